-- wrk script: POST the signing form with a fixed CSRF cookie/token pair (Django accepts any
-- masked token of the cookie's secret), a unique email per request and a random client
-- address in X-Forwarded-For (the bench runs with TRUSTED_PROXY_NETWORKS=127.0.0.1/32, as behind a proxy).
-- Environment: BENCH_CSRF_COOKIE, BENCH_CSRF_TOKEN, BENCH_STARTED, BENCH_PETITION_ID.
local cookie = os.getenv("BENCH_CSRF_COOKIE")
local token = os.getenv("BENCH_CSRF_TOKEN")
local started = os.getenv("BENCH_STARTED")
local petition = os.getenv("BENCH_PETITION_ID")
local counter = 0
thread_tag = "0"

function setup(thread)
  thread:set("thread_tag", tostring(math.random(1, 1000000000)))
end

function init(args)
  math.randomseed(os.time() + tonumber(thread_tag))
end

local function urlencode(value)
  return (value:gsub("([^%w%-%._~])", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  counter = counter + 1
  local email = "bench." .. thread_tag .. "." .. counter .. "." .. math.random(1, 1000000000) .. "@example.org"
  local body = "csrfmiddlewaretoken=" .. token
    .. "&started=" .. urlencode(started)
    .. "&petition=" .. petition
    .. "&name=Bench+Supporter&email=" .. urlencode(email)
    .. "&country=AZ&postcode=Baku"
  local ip = math.random(1, 223) .. "." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. cookie,
    ["X-Forwarded-For"] = ip,
  }
  return wrk.format("POST", nil, headers, body)
end

function done(summary, latency, requests)
  local codes = ""
  io.write(string.format("BENCH requests=%d errors_status=%d errors_connect=%d errors_timeout=%d\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.timeout))
end
