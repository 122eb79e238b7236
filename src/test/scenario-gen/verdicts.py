#!/usr/bin/env python3
"""Writes the mixed-evidence scenarios of "Verdicts that follow the evidence" from one base (the
two-pod shop/web of healthy-basic): each scenario states only what differs (pod states,
the Ingress annotations, the gateway's log); this script writes each one as an overlay of the base
(overlays.py) beside its gateway log and expected verdict.
Run from the repository root: python3 src/test/scenario-gen/verdicts.py  (needs PyYAML: apt-get install python3-yaml)."""
import copy, json, os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import overlays

ROOT = 'src/test/resources/scenarios'
BASE = open(f'{ROOT}/healthy-basic/in-cluster.yaml').read()

def pods3(text):
    """A third pod, web-...-ccccc on 127.0.0.13, and its endpoint."""
    pod_start = text.index('- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: web-6d4b7c9f8-bbbbb')
    pod_end = text.index('- apiVersion: discovery.k8s.io/v1')
    pod = text[pod_start:pod_end].replace('bbbbb', 'ccccc').replace('127.0.0.12', '127.0.0.13')
    text = text[:pod_end] + pod + text[pod_end:]
    ep_start = text.index('  - addresses:\n    - 127.0.0.12')
    ep = text[ep_start:].replace('bbbbb', 'ccccc').replace('127.0.0.12', '127.0.0.13')
    return text + ep

def restarted(text, pod, reason, restarts, finished, ready_since, exit_code):
    """The pod's container ended (reason, when) and has been Running and Ready since."""
    i = text.index(f'    name: {pod}\n')
    j = text.index('\n- apiVersion:', i) + 1 if '\n- apiVersion:' in text[i:] else len(text)
    block = text[i:j]
    block = block.replace("    - type: Ready\n      status: 'True'\n",
        f"    - type: Ready\n      status: 'True'\n      lastTransitionTime: '{ready_since}'\n")
    block = block.replace('      restartCount: 0\n', f'      restartCount: {restarts}\n')
    block = block.replace("          startedAt: '2026-12-01T09:00:00Z'\n",
        f"          startedAt: '{ready_since}'\n      lastState:\n        terminated:\n          exitCode: {exit_code}\n"
        f"          reason: {reason}\n          startedAt: '2026-12-01T11:40:00Z'\n          finishedAt: '{finished}'\n")
    return text[:i] + block + text[j:]

def annotate(text, key, value):
    return text.replace("  kind: Ingress\n  metadata:\n    name: web\n",
        f"  kind: Ingress\n  metadata:\n    name: web\n    annotations:\n      {key}: '{value}'\n", 1)

def tls_port(text):
    return text.replace("    - name: http\n      port: 80\n      protocol: TCP\n      targetPort: http\n",
        "    - name: https\n      port: 443\n      protocol: TCP\n      targetPort: https\n") \
        .replace("        protocol: TCP\n        name: http\n", "        protocol: TCP\n        name: https\n") \
        .replace("containerPort: 8080", "containerPort: 8443").replace("port: 8080\n        periodSeconds", "port: 8443\n        periodSeconds") \
        .replace("  ports:\n  - name: http\n    port: 8080", "  ports:\n  - name: https\n    port: 8443") \
        .replace("number: 80", "number: 443")

# ---- the gateway's log: ingress-nginx's default log-format-upstream and nginx error lines
def access(t, status, addrs, lens, ups, rid, upstream='shop-web-80'):
    return (f'10.244.0.1 - - [01/Dec/2026:{t} +0000] "GET /cart HTTP/1.1" {status} 2 "-" "curl/8.5.0" 217 0.004'
            f' [{upstream}] [] {addrs} {lens} 0.003 {ups} {rid}')

def error(t, what, addr, scheme='http', path='/cart'):
    return (f'2026/12/01 {t} [error] 31#31: *{t.replace(":", "")} {what}, client: 10.244.0.1, server: shop.example.com,'
            f' request: "GET /cart HTTP/1.1", upstream: "{scheme}://{addr}{path}", host: "shop.example.com"')

RESET = 'recv() failed (104: Connection reset by peer) while reading response header from upstream'
REFUSED = 'connect() failed (111: Connection refused) while connecting to upstream'
PREMATURE = 'upstream prematurely closed connection while reading response header from upstream'
TLS_PEER = 'peer closed connection in SSL handshake (104: Connection reset by peer) while SSL handshaking to upstream'

def times(start_min=50, end_min=59, every=20):
    for m in range(start_min, end_min + 1):
        for s in range(5, 60, every):
            yield f'11:{m:02d}:{s:02d}'

def write(name, cluster, log, expected, probes=None):
    d = f'{ROOT}/{name}'
    os.makedirs(d, exist_ok=True)
    if probes is not None:
        open(f'{d}/in-probes.yaml', 'w').write(probes)
    open(f'{d}/in-cluster.yaml', 'w').write(cluster.replace('# scenario healthy-basic', f'# scenario {name}'))
    if log is not None:
        open(f'{d}/in-gateway.log', 'w').write('\n'.join(log) + '\n')
    open(f'{d}/expected.yaml', 'w').write(expected)
    # the scenario kept as what differs from the base
    if os.path.exists(f'{d}/overlay.yaml'):
        os.remove(f'{d}/overlay.yaml')
    assert overlays.convert(name, overlays.load(f'{ROOT}/{overlays.BASE_NAME}/in-cluster.yaml')), name

def steady_failures(bad, what, start_min, good='127.0.0.11:8080', retried=True):
    """Requests alternate between the good pod and the bad one; tries on the bad one fail (retried on the good one)."""
    out = []
    for n, t in enumerate(times()):
        rid = f'r{n:04x}'
        if n % 2 == 1 and int(t[3:5]) >= start_min:
            if retried:
                out.append(access(t, 200, f'{bad}, {good}', '0, 2', '502, 200', rid))
            else:
                out.append(access(t, 502, bad, '0', '502', rid))
            out.append(error(t, what, bad))
        else:
            out.append(access(t, 200, good, '2', '200', rid))
    return out

# 1. an OOM kill at 11:45, Ready again since 11:45:30; the gateway's resets to that pod go on steadily from 11:52
c = restarted(BASE, 'web-6d4b7c9f8-bbbbb', 'OOMKilled', 1, '2026-12-01T11:51:00Z', '2026-12-01T11:51:20Z', 137)
write('verdict-oom-earlier-resets-now', c, steady_failures('127.0.0.12:8080', RESET, 53, retried=False), """\
# An OOM kill at 11:51 (Ready again at 11:51:20) is the decoy; the gateway's resets to the same pod,
# steadily from 11:53 while it runs Ready, are the cause. The kill accounts for none of them: Info.
target: shop/web
health: Degraded
rootCause: BackendResettingConnections
summaryContains: [web-6d4b7c9f8-bbbbb (127.0.0.12), connection reset, steadily]
findings:
- code: BackendResettingConnections
  severity: Warning
  resource: Deployment shop/web
- code: BackendOOMKilled
  severity: Info
  resource: Deployment shop/web
""")

# 2. seven restarts, the last at 11:50, Running and Ready since; resets from 11:53
c = restarted(BASE, 'web-6d4b7c9f8-bbbbb', 'Error', 7, '2026-12-01T11:50:00Z', '2026-12-01T11:50:15Z', 1)
write('verdict-restarts-then-ready-resets', c, steady_failures('127.0.0.12:8080', RESET, 53, retried=False), """\
# Many restarts, the last at 11:50; Running and Ready since. The resets at 11:53 and later are not
# explained by a crash loop (the pod was up); the crash loop stays a finding, one step lower.
target: shop/web
health: Degraded
rootCause: BackendResettingConnections
summaryContains: [web-6d4b7c9f8-bbbbb (127.0.0.12), connection reset]
findings:
- code: BackendResettingConnections
  severity: Warning
  resource: Deployment shop/web
- code: BackendCrashLooping
  severity: Info
  resource: Deployment shop/web
""")

# 3. the same restart, but the errors are the restart's: refused while it was down (11:49:30 to 11:50:15)
c = restarted(BASE, 'web-6d4b7c9f8-bbbbb', 'Error', 7, '2026-12-01T11:55:00Z', '2026-12-01T11:55:40Z', 1)
log = []
for n, t in enumerate(times()):
    rid = f'r{n:04x}'
    if n % 2 == 1 and t[:5] in ('11:54', '11:55'):
        log.append(access(t, 502, '127.0.0.12:8080', '0', '502', rid))
        log.append(error(t, REFUSED, '127.0.0.12:8080'))
    else:
        log.append(access(t, 200, '127.0.0.11:8080', '2', '200', rid))
write('verdict-restart-explains-its-errors', c, log, """\
# Control for the two above: the refusals came while the container was down (11:54 to 11:55:40),
# so the crash loop accounts for them as much as the refusals do, and ranks first as the cause.
target: shop/web
health: Degraded
rootCause: BackendCrashLooping
summaryContains: [web-6d4b7c9f8-bbbbb (127.0.0.12)]
findings:
- code: BackendCrashLooping
  severity: Warning
  resource: Deployment shop/web
- code: BackendRefusingConnections
  severity: Warning
  resource: Deployment shop/web
""")

# 4. three ready pods: one resets, one refuses, both named; the refusals are more
c = pods3(BASE)
log = []
for n, t in enumerate(times()):
    rid = f'r{n:04x}'
    k = n % 3
    if k == 1:
        log.append(access(t, 502, '127.0.0.12:8080', '0', '502', rid))
        log.append(error(t, REFUSED, '127.0.0.12:8080'))
    elif k == 2 and n % 2 == 0:
        log.append(access(t, 502, '127.0.0.13:8080', '0', '502', rid))
        log.append(error(t, RESET, '127.0.0.13:8080'))
    else:
        log.append(access(t, 200, '127.0.0.11:8080', '2', '200', rid))
write('verdict-three-pods-one-resets-one-refuses', c, log, """\
# Three Ready pods: bbbbb refuses every try, ccccc resets some; both are named with their IP. The
# refusals account for more of the errors, so they are the root cause; a third of the requests fail: Warning.
target: shop/web
health: Degraded
rootCause: BackendRefusingConnections
summaryContains: [web-6d4b7c9f8-bbbbb (127.0.0.12), connection refused]
messagesContain: [web-6d4b7c9f8-ccccc (127.0.0.13)]
findings:
- code: BackendRefusingConnections
  severity: Warning
  resource: Deployment shop/web
- code: BackendResettingConnections
  severity: Warning
  resource: Deployment shop/web
""")

# 5. the app answers 503 to everything (no nginx error line: the gateway passes it on)
log = [access(t, 503, f'127.0.0.1{1 + n % 2}:8080', '19', '503', f'r{n:04x}') for n, t in enumerate(times())]
write('verdict-app-503-everything', BASE, log, """\
# Every request gets the app's own 503 ($upstream_status = $status, a body, no error line): the app, not the gateway.
target: shop/web
health: Failing
rootCause: BackendServerError
summaryContains: [web-6d4b7c9f8-aaaaa (127.0.0.11), web-6d4b7c9f8-bbbbb (127.0.0.12), '503', not at fault]
findings:
- code: BackendServerError
  severity: Critical
  resource: Deployment shop/web
""")

# 6. 500s from one pod of two
log = []
for n, t in enumerate(times()):
    rid = f'r{n:04x}'
    if n % 2 == 1:
        log.append(access(t, 500, '127.0.0.12:8080', '21', '500', rid))
    else:
        log.append(access(t, 200, '127.0.0.11:8080', '2', '200', rid))
write('verdict-app-500-one-pod-of-two', BASE, log, """\
# Pod bbbbb answers 500 to every request it gets, aaaaa answers 200: half the requests fail, the app's own 500s.
target: shop/web
health: Degraded
rootCause: BackendServerError
summaryContains: [web-6d4b7c9f8-bbbbb (127.0.0.12), '500', 50%]
findings:
- code: BackendServerError
  severity: Warning
  resource: Deployment shop/web
""")

# 7. a TLS backend that requires a client certificate: nginx logs a reset inside the TLS handshake
c = annotate(tls_port(BASE), 'nginx.ingress.kubernetes.io/backend-protocol', 'HTTPS')
log = []
for n, t in enumerate(times()):
    rid = f'r{n:04x}'
    a = f'127.0.0.1{1 + n % 2}:8443'
    log.append(access(t, 502, a, '0', '502', rid, upstream='shop-web-443'))
    log.append(error(t, TLS_PEER, a, scheme='https'))
write('verdict-tls-client-certificate-required', c, log, """\
# backend-protocol HTTPS to a backend that wants a client certificate: nginx's "peer closed connection in SSL
# handshake (104: Connection reset by peer)" is a TLS failure, not a reset.
target: shop/web
health: Failing
rootCause: BackendTLSFailure
summaryContains: [requires a client certificate, another SNI name, web-6d4b7c9f8-aaaaa (127.0.0.11)]
findings:
- code: BackendTLSFailure
  severity: Critical
  resource: Deployment shop/web
""")

# 8. the keep-alive race: 2 premature closes in 90 requests, retried or not; a Warning, never Critical
log = []
for n, t in enumerate(times(start_min=50, end_min=59, every=6)):
    rid = f'r{n:04x}'
    a = f'127.0.0.1{1 + n % 2}:8080'
    if n in (17, 61):
        log.append(access(t, 502, a, '0', '502', rid))
        log.append(error(t, PREMATURE, a))
    else:
        log.append(access(t, 200, a, '2', '200', rid))
write('verdict-sporadic-premature-close', BASE, log, """\
# Two premature closes in 100 requests (2%): a Warning with the share stated, never Critical.
target: shop/web
health: Degraded
rootCause: BackendPrematureClose
summaryContains: [2 gateway errors in 100 requests (2%), the signature of a keep-alive race]
findings:
- code: BackendPrematureClose
  severity: Warning
  resource: Deployment shop/web
""")


# 9. a wrong targetPort behind three pods: nginx tries all three (refused) before it answers 502; one client error, three tries
c = pods3(BASE).replace("      targetPort: http\n", "      targetPort: 8081\n").replace("  - name: http\n    port: 8080\n    protocol: TCP", "  - name: http\n    port: 8081\n    protocol: TCP")
log = []
for n, t in enumerate(times()):
    rid = f'r{n:04x}'
    log.append(access(t, 502, '127.0.0.11:8081, 127.0.0.12:8081, 127.0.0.13:8081', '0, 0, 0', '502, 502, 502', rid))
    for a in ('127.0.0.11:8081', '127.0.0.12:8081', '127.0.0.13:8081'):
        log.append(error(t, REFUSED, a))
write('verdict-target-port-with-retries', c, log, """\
# Service port 80 targets 8081, the pods listen on http:8080. ingress-nginx retries every request on all three pods:
# three refused tries per client error. The wrong targetPort explains them all and stays the root cause.
target: shop/web
health: Failing
rootCause: TargetPortMismatch
summaryContains: [targetPort 8081]
findings:
- code: TargetPortMismatch
  severity: Critical
  resource: Service shop/web
- code: BackendRefusingConnections
  severity: Critical
  resource: Deployment shop/web
""")

# 10. every replica crash-looping: not Ready, no endpoint, the gateway answers 503 without a pod behind it
def crash_looping(text, pod):
    text = restarted(text, pod, 'Error', 6, '2026-12-01T11:58:30Z', '2026-12-01T11:40:00Z', 1)
    i = text.index(f'    name: {pod}\n')
    j = text.index('\n- apiVersion:', i) + 1
    block = text[i:j].replace("    - type: Ready\n      status: 'True'\n", "    - type: Ready\n      status: 'False'\n") \
        .replace("      ready: true\n", "      ready: false\n") \
        .replace("      state:\n        running:\n          startedAt: '2026-12-01T11:40:00Z'\n",
                 "      state:\n        waiting:\n          reason: CrashLoopBackOff\n")
    return text[:i] + block + text[j:]
c = crash_looping(crash_looping(BASE, 'web-6d4b7c9f8-aaaaa'), 'web-6d4b7c9f8-bbbbb')
c = c.replace("      ready: true\n      serving: true\n", "      ready: false\n      serving: false\n")
log = [access(t, 503, '-', '-', '-', f'r{n:04x}') for n, t in enumerate(times())]
write('verdict-all-crash-looping-503s', c, log, """\
# Both pods crash-loop, no endpoint is ready, and ingress-nginx answers 503 with no pod behind it. The crash loop is
# why no endpoint is ready: it is the root cause, NoReadyEndpoints its symptom.
target: shop/web
health: Failing
rootCause: BackendCrashLooping
summaryContains: [web-6d4b7c9f8-aaaaa, web-6d4b7c9f8-bbbbb]
findings:
- code: BackendCrashLooping
  severity: Critical
  resource: Deployment shop/web
- code: NoReadyEndpoints
  severity: Critical
  resource: Service shop/web
""")


# ---- codes that had no scenario: one each, the failure alone on the base
INVALID = 'upstream sent no valid HTTP/1.0 header while reading response header from upstream'
TOO_BIG = 'upstream sent too big header while reading response header from upstream'
TIMED_OUT = 'upstream timed out (110: Connection timed out) while reading response header from upstream'
WRONG_VERSION = ('SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number)'
                 ' while SSL handshaking to upstream')

def every_try(bad_addrs, what, status, scheme='http'):
    """Every request from 11:50 fails at the gateway on the pod it went to, with nginx's reason."""
    out = []
    for n, t in enumerate(times()):
        addr = bad_addrs[n % len(bad_addrs)]
        out.append(access(t, status, addr, '0', str(status), f'r{n:04x}'))
        out.append(error(t, what, addr, scheme=scheme))
    return out

def one_pod(what, status):
    """Requests alternate between the pods; those to web-...-bbbbb fail from 11:53 (not retried)."""
    out = []
    for n, t in enumerate(times()):
        rid = f'r{n:04x}'
        if n % 2 == 1 and int(t[3:5]) >= 53:
            out.append(access(t, status, '127.0.0.12:8080', '0', str(status), rid))
            out.append(error(t, what, '127.0.0.12:8080'))
        else:
            out.append(access(t, 200, '127.0.0.11:8080', '2', '200', rid))
    return out

write('gateway-invalid-response', BASE, one_pod(INVALID, 502), """\
# One pod answers something that is not HTTP (nginx: "upstream sent no valid HTTP/1.0 header"), from 11:53.
target: shop/web
health: Degraded
rootCause: BackendInvalidResponse
summaryContains: [web-6d4b7c9f8-bbbbb]
findings:
- code: BackendInvalidResponse
  severity: Warning
  resource: Deployment shop/web
""")

write('gateway-headers-too-large', BASE, every_try(['127.0.0.11:8080', '127.0.0.12:8080'], TOO_BIG, 502), """\
# Both pods send response headers larger than the gateway's 4k proxy buffer (nginx: "upstream sent too big header").
target: shop/web
health: Failing
rootCause: BackendHeadersTooLarge
findings:
- code: BackendHeadersTooLarge
  severity: Critical
  resource: Deployment shop/web
""")

write('gateway-timeout', BASE, one_pod(TIMED_OUT, 504), """\
# One pod stops answering in time: nginx gives up after proxy-read-timeout and answers 504, from 11:53.
target: shop/web
health: Degraded
rootCause: BackendTimeout
summaryContains: [web-6d4b7c9f8-bbbbb]
findings:
- code: BackendTimeout
  severity: Warning
  resource: Deployment shop/web
""")

c = annotate(BASE, 'nginx.ingress.kubernetes.io/backend-protocol', 'HTTPS')
write('gateway-tls-to-a-plain-backend', c,
      every_try(['127.0.0.11:8080', '127.0.0.12:8080'], WRONG_VERSION, 502, scheme='https'), """\
# The Ingress asks for TLS to the backend (backend-protocol: HTTPS) and the pods speak plain HTTP: every
# handshake fails with OpenSSL's "wrong version number" (the shape ingress-nginx users post in issue threads).
target: shop/web
health: Failing
rootCause: BackendProtocolMismatch
summaryContains: [the gateway spoke TLS and the backend answered in plain HTTP]
findings:
- code: BackendProtocolMismatch
  severity: Critical
  resource: Deployment shop/web
""")

write('probe-keepalive-race', BASE, None, """\
# Both pods answer; web-...-bbbbb closes an idle keep-alive connection after 5 s, the gateway reuses idle
# upstream connections for 60 s (ingress-nginx upstream-keepalive-timeout): requests racing the close fail.
target: shop/web
health: Degraded
rootCause: KeepAliveTimeoutRace
findings:
- code: KeepAliveTimeoutRace
  severity: Warning
  resource: Deployment shop/web
""", probes="""\
# what the prober saw (status vocabulary): both pods answer 200; the idle keep-alive measurement of one
gatewayKeepAliveSeconds: 60
probes:
- {address: 127.0.0.11:8080, pod: web-6d4b7c9f8-aaaaa, outcome: ok, status: 200, latencyMillis: 3}
- {address: 127.0.0.12:8080, pod: web-6d4b7c9f8-bbbbb, outcome: ok, status: 200, latencyMillis: 4}
keepAlive:
- {address: 127.0.0.11:8080, pod: web-6d4b7c9f8-aaaaa, waitedMillis: 65000}
- {address: 127.0.0.12:8080, pod: web-6d4b7c9f8-bbbbb, closedAfterMillis: 5000, waitedMillis: 65000}
""")

c = annotate(BASE, 'gatewaydoctor.io/remediation', 'sometimes')
write('remediation-policy-invalid', c, None, """\
# A remediation annotation no one can read: remediation is off for the target, and the finding says why.
target: shop/web
health: Healthy
rootCause: None
findings:
- code: RemediationPolicyInvalid
  severity: Warning
  resource: Ingress shop/web
""")
print('ok')
