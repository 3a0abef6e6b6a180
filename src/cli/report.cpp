#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string_view>

#include "json_writer.hpp"
#include "output_file.hpp"

namespace cogr::cli {
namespace {

double Ms(int64_t us) { return static_cast<double>(us) / 1000.0; }

// Nearest-rank percentile of sorted values.
double Rank(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()));
  const size_t i = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return sorted[std::min(i, sorted.size() - 1)];
}

void Percentiles(JsonWriter& w, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  w.BeginObject();
  w.Key("p50").Double(Rank(v, 50));
  w.Key("p90").Double(Rank(v, 90));
  w.Key("p99").Double(Rank(v, 99));
  w.EndObject();
}

std::string Ranges(const std::vector<ByteRange>& ranges) {
  std::string s;
  for (const ByteRange& r : ranges) {
    if (!s.empty()) s += ',';
    s += std::to_string(r.offset) + "-" + std::to_string(r.length == 0 ? r.offset : r.end() - 1);
  }
  return s;
}

// The page: its script reads the JSON block and draws everything; nothing is fetched.
constexpr std::string_view kPageHead = R"HTML(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>cogr bench report</title>
<style>
body{font:13px/1.4 system-ui,sans-serif;margin:16px 24px;color:#222}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}h3{font-size:14px;margin:16px 0 4px}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
svg text{font:11px system-ui,sans-serif}.legend span{display:inline-block;width:12px;height:10px;margin:0 4px 0 12px}
</style></head><body>
<h1>cogr bench report</h1>
<div id="summary"></div>
<h2>Totals</h2><div id="table"></div>
<h2>Latency per request</h2><div id="latency"></div>
<h2>Bytes fetched vs used</h2><p>Body bytes received, and the part of them handed to the reader (the rest: holes of merged ranges, unused header prefix). Bytes served from a cached header prefix need no request and are not counted here.</p><div id="bytes"></div>
<h2>Requests per URI</h2>
<div class="legend"><span style="background:#9ecae1"></span>waiting (to first byte)<span style="background:#3182bd"></span>receiving<span style="background:#e6550d"></span>new connection (DNS/connect/TLS)<span style="background:#d62728"></span>failed</div>
<div id="waterfall"></div>
<script type="application/json" id="cogr-data">
)HTML";

constexpr std::string_view kPageTail = R"HTML(
</script>
<script>
(function(){
const data=JSON.parse(document.getElementById('cogr-data').textContent);
const NS='http://www.w3.org/2000/svg';
function el(tag,attrs,parent,text){const e=document.createElementNS(NS,tag);for(const k in attrs)e.setAttribute(k,attrs[k]);if(text!==undefined)e.textContent=text;if(parent)parent.appendChild(e);return e;}
function bytes(n){if(n<1024)return n+' B';if(n<1048576)return (n/1024).toFixed(1)+' KiB';if(n<1073741824)return (n/1048576).toFixed(1)+' MiB';return (n/1073741824).toFixed(2)+' GiB';}
function fix(v){return v===null?'':v.toFixed(2);}
// Totals: the table `cogr bench` prints.
{const t=document.createElement('table');const cols=['name','reads','errors','wall_ms','p50_ms','p95_ms','requests','bytes_fetched','bytes_used','retries'];
const hr=t.insertRow();['uri','reads','errors','wall ms','p50 ms','p95 ms','requests','fetched','used','retries'].forEach(h=>{const th=document.createElement('th');th.textContent=h;hr.appendChild(th);});
data.table.forEach(r=>{const tr=t.insertRow();cols.forEach(c=>{let v=r[c];if(c.endsWith('_ms'))v=v.toFixed(2);else if(c.startsWith('bytes'))v=bytes(v);tr.insertCell().textContent=v;});});
document.getElementById('table').appendChild(t);}
let all=[];data.uris.forEach(u=>u.requests.forEach(r=>all.push(r)));
document.getElementById('summary').textContent=data.uris.length+' URI(s), '+all.length+' requests, '+data.uris.reduce((a,u)=>a+u.decodes,0)+' block decodes.';
// Latency: percentiles and a histogram of time to first byte and total time.
{const L=data.latency;const d=document.getElementById('latency');const t=document.createElement('table');
const h=t.insertRow();['','p50 ms','p90 ms','p99 ms'].forEach(x=>{const th=document.createElement('th');th.textContent=x;h.appendChild(th);});
[['time to first byte',L.ttfb_ms],['total',L.total_ms]].forEach(([n,p])=>{const r=t.insertRow();r.insertCell().textContent=n;['p50','p90','p99'].forEach(k=>r.insertCell().textContent=p[k].toFixed(2));});
d.appendChild(t);
const ttfb=all.filter(r=>r.first_byte_ms!==null).map(r=>r.first_byte_ms-r.start_ms),tot=all.map(r=>r.end_ms-r.start_ms);
const max=Math.max(0.001,...tot),bins=30,w=720,hgt=160,bw=w/bins;
const c1=new Array(bins).fill(0),c2=new Array(bins).fill(0);
const bin=v=>Math.min(bins-1,Math.floor(v/max*bins));ttfb.forEach(v=>c1[bin(v)]++);tot.forEach(v=>c2[bin(v)]++);
const top=Math.max(1,...c1,...c2);const svg=el('svg',{width:w+60,height:hgt+40},d);
for(let i=0;i<bins;i++){const h1=c1[i]/top*hgt,h2=c2[i]/top*hgt;
el('rect',{x:40+i*bw,y:10+hgt-h2,width:bw/2-1,height:h2,fill:'#3182bd'},svg).appendChild(el('title',{},null,c2[i]+' requests, total '+(i*max/bins).toFixed(2)+'-'+((i+1)*max/bins).toFixed(2)+' ms'));
el('rect',{x:40+i*bw+bw/2,y:10+hgt-h1,width:bw/2-1,height:h1,fill:'#9ecae1'},svg).appendChild(el('title',{},null,c1[i]+' requests, first byte '+(i*max/bins).toFixed(2)+'-'+((i+1)*max/bins).toFixed(2)+' ms'));}
el('line',{x1:40,y1:10+hgt,x2:40+w,y2:10+hgt,stroke:'#444'},svg);
for(let k=0;k<=4;k++){el('text',{x:40+k*w/4,y:hgt+26,'text-anchor':'middle'},svg,(k*max/4).toFixed(max<4?3:1)+' ms');}
el('text',{x:2,y:20},svg,top);el('text',{x:w-200,y:20},svg,'dark: total, light: first byte');}
// Bytes fetched vs used per URI.
{const d=document.getElementById('bytes');const w=520;const max=Math.max(1,...data.uris.map(u=>u.bytes_fetched));
const svg=el('svg',{width:w+520,height:data.uris.length*34+10},d);
data.uris.forEach((u,i)=>{const y=6+i*34;el('text',{x:0,y:y+11},svg,u.uri.length>60?'...'+u.uri.slice(-57):u.uri);
el('rect',{x:400,y:y,width:u.bytes_fetched/max*w,height:12,fill:'#fdae6b'},svg);el('rect',{x:400,y:y+14,width:u.bytes_used/max*w,height:12,fill:'#31a354'},svg);
el('text',{x:404+u.bytes_fetched/max*w,y:y+10},svg,'fetched '+bytes(u.bytes_fetched));el('text',{x:404+u.bytes_used/max*w,y:y+24},svg,'used '+bytes(u.bytes_used));});}
// Waterfall: one row per request, a bar from start to last byte, the first byte marked.
{const d=document.getElementById('waterfall');let end=0.001;all.forEach(r=>end=Math.max(end,r.end_ms));
const w=760,row=16,left=330;
data.uris.forEach(u=>{const h3=document.createElement('h3');h3.textContent=u.uri+' \u2014 '+u.requests.length+' requests';d.appendChild(h3);
const svg=el('svg',{width:left+w+130,height:u.requests.length*row+24},d);
for(let k=0;k<=5;k++){const x=left+k*w/5;el('line',{x1:x,y1:0,x2:x,y2:u.requests.length*row,stroke:'#eee'},svg);el('text',{x:x,y:u.requests.length*row+14,'text-anchor':'middle'},svg,(k*end/5).toFixed(1)+' ms');}
u.requests.forEach((r,i)=>{const y=i*row+2,X=v=>left+v/end*w;
el('text',{x:0,y:y+10},svg,(r.kind==='header'?'header ':'')+r.ranges.slice(0,44)+(r.ranges.length>44?'\u2026':'')+(r.retry?' (retry '+r.retry+')':''));
const g=el('g',{},svg);el('title',{},g,r.connection+'\nbytes '+r.ranges+'\n'+bytes(r.bytes)+', status '+r.status+', retry '+r.retry+'\nstart '+fix(r.start_ms)+' ms, first byte '+fix(r.first_byte_ms)+' ms, last byte '+fix(r.end_ms)+' ms'+(r.error?'\n'+r.error:''));
const fb=r.first_byte_ms===null?r.end_ms:r.first_byte_ms;
el('rect',{x:X(r.start_ms),y:y,width:Math.max(1,X(fb)-X(r.start_ms)),height:row-4,fill:r.error?'#d62728':'#9ecae1'},g);
if(r.connect_ms!==null)el('rect',{x:X(r.start_ms),y:y+row-7,width:Math.max(1,X(r.connect_ms)-X(r.start_ms)),height:3,fill:'#e6550d'},g);
el('rect',{x:X(fb),y:y,width:Math.max(1,X(r.end_ms)-X(fb)),height:row-4,fill:r.error?'#d62728':'#3182bd'},g);
if(r.first_byte_ms!==null)el('line',{x1:X(fb),y1:y-1,x2:X(fb),y2:y+row-3,stroke:'#000'},g);
el('text',{x:X(r.end_ms)+4,y:y+10},svg,bytes(r.bytes)+(r.status?' '+r.status:''));});});}
})();
</script>
</body></html>
)HTML";

}  // namespace

std::string BenchReportJson(const Trace& trace, const std::vector<BenchRow>& rows) {
  std::vector<Trace::Request> requests = trace.requests();
  std::stable_sort(
      requests.begin(), requests.end(),
      [](const Trace::Request& a, const Trace::Request& b) { return a.start_us < b.start_us; });
  const std::vector<Trace::Decode> decodes = trace.decodes();
  std::vector<std::string> uris;
  std::map<std::string, std::vector<const Trace::Request*>> by_uri;
  for (const Trace::Request& r : requests) {
    auto& list = by_uri[r.uri];
    if (list.empty()) uris.push_back(r.uri);
    list.push_back(&r);
  }
  std::map<std::pair<std::string, uint32_t>, size_t>
      connections;  // numbered as in the Chrome trace
  std::vector<double> ttfb, total;
  JsonWriter w;
  w.BeginObject();
  w.Key("uris").BeginArray();
  for (const std::string& uri : uris) {
    uint64_t fetched = 0, used = 0;
    w.BeginObject();
    w.Key("uri").String(uri);
    w.Key("requests").BeginArray();
    for (const Trace::Request* r : by_uri[uri]) {
      fetched += r->bytes;
      for (const Trace::Piece& p : r->pieces) used += p.length;
      total.push_back(Ms(r->end_us - r->start_us));
      if (r->first_byte_us >= 0) ttfb.push_back(Ms(r->first_byte_us - r->start_us));
      std::string connection = "local file";
      if (r->kind != "pread") {
        const size_t n =
            connections.emplace(std::make_pair(r->remote, r->local_port), connections.size() + 1)
                .first->second;
        connection = r->local_port == 0 ? "no connection"
                                        : "conn " + std::to_string(n) + " (" + r->remote + ")";
        if (r->new_connection) connection += ", new";
      }
      w.BeginObject();
      w.Key("kind").String(r->kind);
      w.Key("ranges").String(Ranges(r->ranges));
      w.Key("start_ms").Double(Ms(r->start_us));
      if (r->first_byte_us >= 0) {
        w.Key("first_byte_ms").Double(Ms(r->first_byte_us));
      } else {
        w.Key("first_byte_ms").Null();
      }
      if (r->connect_us >= 0) {
        w.Key("connect_ms").Double(Ms(r->connect_us));
      } else {
        w.Key("connect_ms").Null();
      }
      w.Key("end_ms").Double(Ms(r->end_us));
      w.Key("bytes").UInt(r->bytes);
      w.Key("status").Int(r->status);
      w.Key("retry").UInt(r->retry);
      w.Key("new_connection").Bool(r->new_connection);
      w.Key("connection").String(connection);
      w.Key("error").String(r->error);
      w.EndObject();
    }
    w.EndArray();
    w.Key("decodes").UInt(static_cast<uint64_t>(std::count_if(
        decodes.begin(), decodes.end(), [&uri](const Trace::Decode& d) { return d.uri == uri; })));
    w.Key("bytes_fetched").UInt(fetched);
    w.Key("bytes_used").UInt(used);
    w.EndObject();
  }
  w.EndArray();
  w.Key("latency").BeginObject();
  w.Key("requests").UInt(total.size());
  w.Key("ttfb_ms");
  Percentiles(w, ttfb);
  w.Key("total_ms");
  Percentiles(w, total);
  w.EndObject();
  w.Key("table").BeginArray();
  for (const BenchRow& row : rows) {
    w.BeginObject();
    w.Key("name").String(row.name);
    w.Key("reads").UInt(row.reads);
    w.Key("errors").UInt(row.errors);
    w.Key("wall_ms").Double(row.wall_ms);
    w.Key("p50_ms").Double(row.p50_ms);
    w.Key("p95_ms").Double(row.p95_ms);
    WriteIoCounters(w, row.stats);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.str();
}

void WriteIoCounters(JsonWriter& w, const io::IoStats& s) {
  w.Key("requests").UInt(s.requests);
  w.Key("bytes_fetched").UInt(s.bytes_fetched);
  w.Key("bytes_used").UInt(s.bytes_used);
  w.Key("retries").UInt(s.retries);
}

Status WriteBenchReport(const Trace& trace, const std::vector<BenchRow>& rows,
                        const std::string& path) {
  std::string json = BenchReportJson(trace, rows);
  // Inside <script>, "</" could end the element: JSON lets "/" be written "\/".
  for (size_t pos = 0; (pos = json.find("</", pos)) != std::string::npos; pos += 3)
    json.replace(pos, 2, "<\\/");
  std::string page;
  page.reserve(kPageHead.size() + json.size() + kPageTail.size());
  page += kPageHead;
  page += json;
  page += kPageTail;
  return WriteWholeFile(path, page);
}

}  // namespace cogr::cli
