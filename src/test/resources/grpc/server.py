"""A real gRPC server on a loopback address for the gRPC probe tests (Debian's python3-grpcio).

usage: server.py IP PORT MODE, MODE one of
  serving        grpc.health.v1.Health/Check answers SERVING
  not-serving    it answers NOT_SERVING
  unimplemented  no health service: every method is UNIMPLEMENTED
  unavailable    Check fails with UNAVAILABLE
Prints "ready" once it listens; stops when its standard input closes (and after 120 s at most).
"""
import sys
import threading
from concurrent import futures

import grpc

ip, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def check(request, context):
    # HealthCheckResponse{status}: field 1, varint; SERVING = 1, NOT_SERVING = 2
    if mode == "unavailable":
        context.abort(grpc.StatusCode.UNAVAILABLE, "draining")
    return b"\x08\x01" if mode == "serving" else b"\x08\x02"


server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
if mode != "unimplemented":
    server.add_generic_rpc_handlers(
        (
            grpc.method_handlers_generic_handler(
                "grpc.health.v1.Health",
                {"Check": grpc.unary_unary_rpc_method_handler(check)},
            ),
        )
    )
server.add_insecure_port(f"{ip}:{port}")
server.start()
print("ready", flush=True)
done = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
done.wait(120)
server.stop(0)
