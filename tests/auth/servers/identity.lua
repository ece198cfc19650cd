-- Identity assertion for a simple-auth backend behind an authenticating
-- proxy (what Knox's identity assertion does, and what makes the sandbox
-- see the Kerberos user as a kerberized Hadoop server would): the client's
-- user.name is dropped, doAs/doas is checked against Hadoop-style proxy-user
-- rules, and the backend gets user.name=<effective user>.
--
-- Loaded by mod_lua (LuaHookFixups ... early) after authentication; the
-- per-frontend settings come from environment variables set by SetEnvIf:
--   hjob_frontend        oozie | namenode | resourcemanager | knox | ...
--   hjob_doas_mode       rules (check PROXY_USERS) | strip (ignore doAs)

-- PROXY_USERS (filled in by the rig): proxy user -> set of users it may
-- act for ("*" = anyone).
PROXY_USERS = {}

local function decode(s)
    s = s:gsub("%+", " ")
    return (s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

local function encode(s)
    return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function deny(r, frontend, user, target)
    r.subprocess_env["hjob_doas_denied"] = "1"
    if frontend == "oozie" then
        local message
        if PROXY_USERS[user] then
            message = "Proxyuser [" .. user .. "] not allowed to impersonate [" .. target .. "]"
        else
            message = "User [" .. user .. "] not defined as proxyuser"
        end
        r.status = 401
        r.err_headers_out["oozie-error-code"] = "E1400"
        r.err_headers_out["oozie-error-message"] = message
        r.content_type = "application/json;charset=UTF-8"
        r:puts('{"httpStatusCode":401,"errorMessage":"' .. message .. '"}')
    else
        local message = "User: " .. user .. " is not allowed to impersonate " .. target
        r.status = 403
        r.content_type = "application/json"
        r:puts('{"RemoteException":{"exception":"AuthorizationException",'
            .. '"javaClassName":"org.apache.hadoop.security.authorize.AuthorizationException",'
            .. '"message":"' .. message .. '"}}')
    end
    return apache2.DONE
end

function assert_identity(r)
    local user = r.user
    if user == nil or user == "" then
        return apache2.DECLINED
    end
    -- The query as the client sent it ("?" + query), for the access log.
    r.subprocess_env["hjob_client_query"] = "?" .. (r.args or "")
    local frontend = r.subprocess_env["hjob_frontend"] or ""
    local mode = r.subprocess_env["hjob_doas_mode"] or "rules"
    local kept = {}
    local doas = nil
    for part in string.gmatch(r.args or "", "[^&]+") do
        local name, value = part:match("^([^=]*)=?(.*)$")
        local lname = name:lower()
        if lname == "doas" then
            doas = decode(value)
        elseif lname ~= "user.name" then
            table.insert(kept, part)
        end
    end
    local effective = user
    if doas ~= nil and doas ~= "" and mode == "rules" then
        r.subprocess_env["hjob_doas"] = doas
        if doas ~= user then
            local allowed = PROXY_USERS[user]
            if allowed == nil or not (allowed[doas] or allowed["*"]) then
                return deny(r, frontend, user, doas)
            end
        end
        effective = doas
    end
    r.subprocess_env["hjob_effective"] = effective
    table.insert(kept, "user.name=" .. encode(effective))
    local args = table.concat(kept, "&")
    r.args = args
    -- ProxyPass ... nocanon forwards the query inside r.filename.
    if r.filename ~= nil and r.filename:sub(1, 6) == "proxy:" then
        r.filename = r.filename:gsub("%?.*$", "") .. "?" .. args
    end
    return apache2.DECLINED
end
