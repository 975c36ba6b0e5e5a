#!/usr/bin/env python3
"""mailtest-idp.py: a small OAuth2 identity provider on loopback for FOI Campaigner's tests.

Started by `scripts/mailtest.sh start` beside Postfix and Dovecot (python3 standard library only).
Dovecot's `passdb oauth2` asks its introspection endpoint whether an access token is good, so IMAP
and SMTP AUTH (through Dovecot's SASL socket) accept XOAUTH2 and OAUTHBEARER with its tokens.

  POST /device      RFC 8628 device authorization: client_id, scope -> device_code, user_code, ...
  GET  /authorize   RFC 6749 4.1 authorization request with PKCE (RFC 7636, S256 only) and a
                    loopback redirect_uri (RFC 8252): redirects to it with a code and the state, or
                    with error=access_denied, as the client's consent says (see /admin/consent)
  POST /token       RFC 8628 device_code grant (authorization_pending until approved),
                    RFC 6749 authorization_code grant (the code once, its client, its redirect_uri
                    and the PKCE verifier checked) and refresh_token grant (the refresh token
                    rotates; a revoked or replaced one gets 400 invalid_grant)
  POST /introspect  RFC 7662: token -> {"active": true, "username": ..., "scope": ...} or {"active": false}
  POST /revoke      RFC 7009: token -> 200; the refresh token and its access tokens stop working
  GET  /activate    what a person would open: says to enter the code (tests approve with /admin/approve)

Test-only controls (what a person or an administrator would do at a real provider):
  POST /admin/approve  user_code, username -> the device code is approved for that account
  POST /admin/client   client_id, access_ttl -> access tokens for this client live access_ttl seconds
  POST /admin/consent  client_id, username[, deny=1] -> what the person answers at /authorize for
                       this client (without it /authorize shows a page and redirects nowhere)
  GET  /admin/events?client_id=X -> JSON list of what happened for that client (no token values)

Tokens are random and kept in memory only: a restart forgets them. Nothing here logs a token.
usage: mailtest-idp.py PORT
"""

import base64
import hashlib
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

LOCK = threading.Lock()
CLIENTS = {}  # client_id -> {"access_ttl": seconds}
DEVICES = {}  # device_code -> {"user_code", "client_id", "scope", "username", "expires"}
ACCESS = {}  # access token -> {"username", "scope", "client_id", "expires", "refresh"}
REFRESH = {}  # refresh token -> {"username", "scope", "client_id", "active"}
EVENTS = {}  # client_id -> [event, ...]
CONSENT = {}  # client_id -> {"username", "deny"}
CODES = {}  # authorization code -> {"client_id", "redirect_uri", "scope", "username", "challenge", "expires"}
DEFAULT_TTL = 3600
MAX_BODY = 64 * 1024


def event(client_id, kind, **fields):
    EVENTS.setdefault(client_id, []).append(dict(kind=kind, at=time.time(), **fields))


def issue(client_id, username, scope):
    """A new access token and refresh token for this account (caller holds LOCK)."""
    ttl = CLIENTS.get(client_id, {}).get("access_ttl", DEFAULT_TTL)
    refresh = "rt-" + secrets.token_urlsafe(24)
    access = "at-" + secrets.token_urlsafe(24)
    REFRESH[refresh] = dict(username=username, scope=scope, client_id=client_id, active=True)
    ACCESS[access] = dict(username=username, scope=scope, client_id=client_id,
                          expires=time.time() + ttl, refresh=refresh)
    return {"access_token": access, "token_type": "Bearer", "expires_in": ttl,
            "refresh_token": refresh, "scope": scope}


class Handler(BaseHTTPRequestHandler):
    server_version = "mailtest-idp/1"

    def log_message(self, fmt, *args):  # the request line only (tokens travel in bodies)
        sys.stderr.write("idp: %s %s\n" % (self.command, urlsplit(self.path).path))

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def form(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            return {}
        raw = self.rfile.read(length).decode("utf-8", "replace")
        form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        # a client with a secret sends its id in HTTP Basic (RFC 6749 2.3.1)
        auth = self.headers.get("Authorization", "")
        if "client_id" not in form and auth.startswith("Basic "):
            try:
                pair = base64.b64decode(auth[6:]).decode("utf-8", "replace")
                form["client_id"] = unquote(pair.split(":", 1)[0])
            except ValueError:
                pass
        return form

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/activate":
            page = b"mailtest-idp: enter the code shown by foi (tests approve with /admin/approve)\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
        elif url.path == "/authorize":
            with LOCK:
                self.authorize(query)
        elif url.path == "/admin/events":
            with LOCK:
                self.reply(200, EVENTS.get(query.get("client_id", ""), []))
        else:
            self.reply(404, {"error": "not_found"})

    def do_POST(self):
        path = urlsplit(self.path).path
        form = self.form()
        routes = {"/device": self.device, "/token": self.token, "/introspect": self.introspect,
                  "/revoke": self.revoke, "/admin/approve": self.approve,
                  "/admin/client": self.client, "/admin/consent": self.consent}
        route = routes.get(path)
        if route is None:
            self.reply(404, {"error": "not_found"})
            return
        with LOCK:
            route(form)

    def device(self, form):
        client_id = form.get("client_id", "")
        if not client_id:
            self.reply(400, {"error": "invalid_client"})
            return
        device_code = "dc-" + secrets.token_urlsafe(24)
        user_code = "%04d-%04d" % (secrets.randbelow(10000), secrets.randbelow(10000))
        DEVICES[device_code] = dict(user_code=user_code, client_id=client_id,
                                    scope=form.get("scope", ""), username=None,
                                    expires=time.time() + 600)
        event(client_id, "device", scope=form.get("scope", ""))
        host = self.headers.get("Host", "127.0.0.1")
        self.reply(200, {"device_code": device_code, "user_code": user_code,
                         "verification_uri": "http://%s/activate" % host,
                         "expires_in": 600, "interval": 1})

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def authorize(self, query):
        client_id = query.get("client_id", "")
        redirect_uri = query.get("redirect_uri", "")
        # RFC 8252 7.3: a native app's loopback redirect, plain http to 127.0.0.1, any port
        if not client_id or not redirect_uri.startswith("http://127.0.0.1:"):
            self.reply(400, {"error": "invalid_request",
                             "error_description": "client_id and a loopback redirect_uri"})
            return
        if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256" \
                or len(query.get("code_challenge", "")) < 43:
            event(client_id, "authorize_refused")
            self.redirect(redirect_uri + "?" + urlencode(
                {"error": "invalid_request", "state": query.get("state", "")}))
            return
        consent = CONSENT.get(client_id)
        if consent is None:
            page = b"mailtest-idp: sign in here (tests consent with /admin/consent)\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
            return
        state = query.get("state", "")
        if consent["deny"]:
            event(client_id, "authorize_denied")
            self.redirect(redirect_uri + "?" + urlencode({"error": "access_denied", "state": state}))
            return
        code = "ac-" + secrets.token_urlsafe(24)
        CODES[code] = dict(client_id=client_id, redirect_uri=redirect_uri,
                           scope=query.get("scope", ""), username=consent["username"],
                           challenge=query["code_challenge"], expires=time.time() + 60)
        event(client_id, "authorize", scope=query.get("scope", ""),
              access_type=query.get("access_type", ""))
        self.redirect(redirect_uri + "?" + urlencode({"code": code, "state": state}))

    def code_grant(self, form, client_id):
        code = CODES.pop(form.get("code", ""), None)  # a code is good once
        verifier = form.get("code_verifier", "").encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
        if code is None or code["client_id"] != client_id or time.time() > code["expires"]:
            event(client_id, "code_refused", why="unknown, spent or expired code")
            self.reply(400, {"error": "invalid_grant"})
        elif code["redirect_uri"] != form.get("redirect_uri"):
            event(client_id, "code_refused", why="redirect_uri differs")
            self.reply(400, {"error": "invalid_grant"})
        elif not verifier or digest != code["challenge"]:
            event(client_id, "code_refused", why="PKCE verifier does not match")
            self.reply(400, {"error": "invalid_grant",
                             "error_description": "PKCE verification failed"})
        else:
            event(client_id, "code_token", username=code["username"])
            self.reply(200, issue(client_id, code["username"], code["scope"]))

    def token(self, form):
        grant = form.get("grant_type", "")
        client_id = form.get("client_id", "")
        if grant == "authorization_code":
            self.code_grant(form, client_id)
        elif grant == "urn:ietf:params:oauth:grant-type:device_code":
            dev = DEVICES.get(form.get("device_code", ""))
            if dev is None or dev["client_id"] != client_id:
                self.reply(400, {"error": "invalid_grant"})
            elif time.time() > dev["expires"]:
                self.reply(400, {"error": "expired_token"})
            elif dev["username"] is None:
                event(client_id, "pending")
                self.reply(400, {"error": "authorization_pending"})
            else:
                del DEVICES[form["device_code"]]
                event(client_id, "device_token", username=dev["username"])
                self.reply(200, issue(client_id, dev["username"], dev["scope"]))
        elif grant == "refresh_token":
            old = REFRESH.get(form.get("refresh_token", ""))
            if old is None or not old["active"] or old["client_id"] != client_id:
                event(client_id, "refresh_refused")
                self.reply(400, {"error": "invalid_grant",
                                 "error_description": "the refresh token is revoked or expired"})
                return
            old["active"] = False  # rotation: the old refresh token is spent
            event(client_id, "refresh", username=old["username"])
            self.reply(200, issue(client_id, old["username"], old["scope"]))
        else:
            self.reply(400, {"error": "unsupported_grant_type"})

    def introspect(self, form):
        tok = ACCESS.get(form.get("token", ""))
        # revoking a refresh token (RFC 7009 2.1) ends the access tokens it gave too
        if tok is None or time.time() >= tok["expires"] or REFRESH[tok["refresh"]].get("revoked"):
            if tok is not None:
                event(tok["client_id"], "introspect_inactive")
            self.reply(200, {"active": False})
            return
        event(tok["client_id"], "introspect_active")
        self.reply(200, {"active": True, "username": tok["username"], "scope": tok["scope"],
                         "client_id": tok["client_id"], "exp": int(tok["expires"])})

    def revoke(self, form):
        tok = form.get("token", "")
        if tok in REFRESH:
            REFRESH[tok]["active"] = False
            REFRESH[tok]["revoked"] = True
            event(REFRESH[tok]["client_id"], "revoke")
        elif tok in ACCESS:
            ACCESS[tok]["expires"] = 0
            event(ACCESS[tok]["client_id"], "revoke")
        self.reply(200, {})

    def approve(self, form):
        for dev in DEVICES.values():
            if dev["user_code"] == form.get("user_code"):
                dev["username"] = form.get("username", "")
                event(dev["client_id"], "approved", username=dev["username"])
                self.reply(200, {})
                return
        self.reply(404, {"error": "no such user_code"})

    def consent(self, form):
        CONSENT[form.get("client_id", "")] = {"username": form.get("username", ""),
                                              "deny": form.get("deny") == "1"}
        self.reply(200, {})

    def client(self, form):
        try:
            ttl = int(form.get("access_ttl", DEFAULT_TTL))
        except ValueError:
            self.reply(400, {"error": "access_ttl is not a number"})
            return
        CLIENTS[form.get("client_id", "")] = {"access_ttl": ttl}
        self.reply(200, {})


def main():
    port = int(sys.argv[1])
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    sys.stderr.write("idp: listening on 127.0.0.1:%d\n" % port)
    sys.stderr.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
