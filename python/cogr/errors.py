"""Exceptions of cogr: one class per error code of the C++ library, messages unchanged.

Every class derives from CogrError; ``err.code`` is the C++ code's name ("not_found", ...).
InvalidArgument is also a ValueError, OutOfRange an IndexError, NotFound a FileNotFoundError
and IoError an OSError, so code written for the built-in exceptions keeps working.
"""


class CogrError(Exception):
    """Base class of every error cogr raises from the C++ library."""

    code = "unknown"


class InvalidFile(CogrError):
    """The bytes are not a valid TIFF (or a codec's stream is corrupt)."""

    code = "invalid_file"


class Unsupported(CogrError):
    """Valid, but a feature cogr does not handle (codec, layout)."""

    code = "unsupported"


class LimitExceeded(CogrError):
    """A size limit (cogr's Limits) or an allocation failure."""

    code = "limit_exceeded"


class IoError(CogrError, OSError):
    """A permanent I/O failure."""

    code = "io_error"


class Unavailable(CogrError):
    """A transient failure (timeout, HTTP 5xx or 429) that survived the retries."""

    code = "unavailable"


class NotFound(CogrError, FileNotFoundError):
    """No such file or object."""

    code = "not_found"


class OutOfRange(CogrError, IndexError):
    """A request outside the data: band, window, overview."""

    code = "out_of_range"


class InvalidArgument(CogrError, ValueError):
    """The caller's arguments are wrong."""

    code = "invalid_argument"


class Cancelled(CogrError):
    """Cancelled, or past its deadline (timeout_ms)."""

    code = "cancelled"


__all__ = [
    "CogrError", "InvalidFile", "Unsupported", "LimitExceeded", "IoError", "Unavailable",
    "NotFound", "OutOfRange", "InvalidArgument", "Cancelled",
]
