"""Builds the cogr Python package: the extension cogr._cogr is built by the project's CMake
(-DCOGR_BUILD_PYTHON=ON, pybind11 from Debian's pybind11-dev) from the sources one directory up,
then copied into the package. Offline: needs only cmake, a C++20 compiler and Debian packages.

    /usr/bin/python3 -m pip install --no-build-isolation --break-system-packages ./python

Environment: COGR_PYTHON_BUILD_DIR (default <repo>/build/python) keeps the CMake build between
installs; COGR_PYTHON_BUILD_TYPE (default Release); COGR_PYTHON_CMAKE_ARGS (more -D options, e.g.
-DCOGR_WARNINGS_AS_ERRORS=ON); CMAKE_BUILD_PARALLEL_LEVEL (default 2).
"""
import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        if not os.path.isfile(os.path.join(REPO, "CMakeLists.txt")):
            raise RuntimeError(f"cogr's sources are not at {REPO}: build from a checkout of the repository")
        build_dir = os.environ.get("COGR_PYTHON_BUILD_DIR", os.path.join(REPO, "build", "python"))
        out_dir = os.path.join(build_dir, "module")
        os.makedirs(out_dir, exist_ok=True)
        configure = [
            "cmake", "-S", REPO, "-B", build_dir,
            "-DCMAKE_BUILD_TYPE=" + os.environ.get("COGR_PYTHON_BUILD_TYPE", "Release"),
            "-DCOGR_BUILD_PYTHON=ON", "-DCOGR_BUILD_TESTS=OFF", "-DCOGR_BUILD_CLI=OFF",
            "-DCOGR_INSTALL=OFF", "-DBUILD_SHARED_LIBS=OFF",
            "-DPython_EXECUTABLE=" + sys.executable,
            "-DCOGR_PYTHON_OUTPUT_DIR=" + out_dir,
        ]
        if shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        if shutil.which("ccache"):
            configure += ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache", "-DCMAKE_C_COMPILER_LAUNCHER=ccache"]
        configure += os.environ.get("COGR_PYTHON_CMAKE_ARGS", "").split()
        if os.path.isfile(os.path.join(build_dir, "CMakeCache.txt")):
            configure = [a for a in configure if a not in ("-G", "Ninja")]
        subprocess.check_call(configure)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", "2")
        subprocess.check_call(["cmake", "--build", build_dir, "--target", "cogr_python", "-j", jobs])
        built = [f for f in os.listdir(out_dir) if f.startswith("_cogr") and f.endswith(".so")]
        if len(built) != 1:
            raise RuntimeError(f"expected one _cogr*.so in {out_dir}, found {built}")
        dest = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(os.path.join(out_dir, built[0]), dest)


setup(
    name="cogr",
    version="0.1.0",
    description="Cloud-Optimized GeoTIFF reader (C++20, no GDAL) with rasterio's API",
    packages=["cogr"],
    package_data={"cogr": ["py.typed", "*.pyi"]},
    ext_modules=[CMakeExtension("cogr._cogr")],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.9",
    install_requires=["numpy", "affine"],
    extras_require={"crs": ["pyproj"], "xarray": ["xarray"], "dask": ["dask"]},
    entry_points={"xarray.backends": ["cogr = cogr.xarray_backend:CogrBackendEntrypoint"]},
    zip_safe=False,
)
