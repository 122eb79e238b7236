package io.gatewaydoctor.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * gRPC probes (a grpc.health.v1.Health/Check call over h2c), as the data plane of a GRPCRoute
 * speaks to its backends, against real gRPC servers (Debian's python3-grpcio, installed by
 * bin/test; src/test/resources/grpc/server.py) on loopback, one per behaviour.
 */
class GrpcProbeTest {
  static final String IP = "127.0.0.99";
  static final List<GrpcServer> SERVERS = new ArrayList<>();
  static int serving;
  static int notServing;
  static int unimplemented;
  static int unavailable;
  final HttpProber prober = new HttpProber();

  static int start(String mode) throws Exception {
    GrpcServer g = GrpcServer.start(IP, mode);
    SERVERS.add(g);
    return g.port;
  }

  @BeforeAll
  static void start() throws Exception {
    serving = start("serving");
    notServing = start("not-serving");
    unimplemented = start("unimplemented");
    unavailable = start("unavailable");
  }

  @AfterAll
  static void stop() {
    SERVERS.forEach(GrpcServer::close);
  }

  static ProbeTarget grpc(int port) {
    return new ProbeTarget(IP, port, "api-0", false, "api.example.com", "/", 3000, 4096, 65536)
        .withGrpc(true);
  }

  @Test
  void aServingBackendIsOk() {
    Probe p = prober.probe(grpc(serving));
    assertThat(p.outcome()).as(p.detail()).isEqualTo(Outcome.ok);
    assertThat(p.detail()).isEqualTo("gRPC health check: SERVING");
    assertThat(p.status()).isEqualTo(200);
  }

  @Test
  void notServingIsTheBackendsOwnError() {
    Probe p = prober.probe(grpc(notServing));
    assertThat(p.outcome()).as(p.detail()).isEqualTo(Outcome.http5xx);
    assertThat(p.detail()).isEqualTo("gRPC health check: NOT_SERVING");
  }

  @Test
  void aServerWithoutTheHealthServiceStillSpeaksGrpc() {
    Probe p = prober.probe(grpc(unimplemented));
    assertThat(p.outcome()).as(p.detail()).isEqualTo(Outcome.ok);
    assertThat(p.detail()).contains("UNIMPLEMENTED");
  }

  @Test
  void unavailableIsTheBackendsOwnError() {
    Probe p = prober.probe(grpc(unavailable));
    assertThat(p.outcome()).as(p.detail()).isEqualTo(Outcome.http5xx);
    assertThat(p.detail()).isEqualTo("gRPC status UNAVAILABLE");
  }

  @Test
  void aPortWithNothingListeningIsRefused() throws Exception {
    assertThat(prober.probe(grpc(RealNginx.freePort(IP))).outcome()).isEqualTo(Outcome.refused);
  }
}
