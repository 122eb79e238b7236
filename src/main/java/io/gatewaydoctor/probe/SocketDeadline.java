package io.gatewaydoctor.probe;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One hard deadline for everything done on a socket: when it passes, the socket is closed, whatever
 * read, write or TLS handshake is blocked on it (a backend that drips bytes one at a time
 * included). Closing it cancels the deadline; {@link #passed()} tells whether it fired.
 */
final class SocketDeadline implements AutoCloseable {
  private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

  private final AtomicBoolean passed = new AtomicBoolean();
  private final ScheduledFuture<?> task;

  private SocketDeadline(Socket socket, long millis) {
    this.task =
        WATCHDOG.schedule(
            () -> {
              passed.set(true);
              try {
                socket.close();
              } catch (IOException e) {
                // closing is all it can do
              }
            },
            millis,
            TimeUnit.MILLISECONDS);
  }

  /** Closes {@code socket} in {@code millis} unless this is closed first. */
  static SocketDeadline closing(Socket socket, long millis) {
    return new SocketDeadline(socket, millis);
  }

  /** Whether the deadline passed (and the socket was closed by it). */
  boolean passed() {
    return passed.get();
  }

  @Override
  public void close() {
    task.cancel(false);
  }

  private static ScheduledThreadPoolExecutor watchdog() {
    var w =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "gateway-doctor-probe-deadline");
              th.setDaemon(true);
              return th;
            });
    w.setRemoveOnCancelPolicy(true); // a finished probe leaves nothing queued behind it
    return w;
  }
}
