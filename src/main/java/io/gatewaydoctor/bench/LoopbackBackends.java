package io.gatewaydoctor.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pods that answer HTTP on loopback for the operator benchmark: one selector thread answers every
 * request with 200 and closes. Either one listener per address (each pod its own 127.x address; a
 * process may hold only so many sockets), or, inside a network namespace whose only interface is
 * loopback ({@code unshare -n}, see bin/bench-operator), one wildcard listener per port, which
 * there can only be reached on loopback. It refuses the wildcard anywhere else.
 */
final class LoopbackBackends implements AutoCloseable {
  private static final byte[] OK =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"
          .getBytes(StandardCharsets.US_ASCII);

  private final Selector selector;
  private final Thread thread;
  final AtomicLong answered = new AtomicLong();
  private volatile boolean open = true;

  private LoopbackBackends(Selector selector) {
    this.selector = selector;
    this.thread = new Thread(this::loop, "bench-backends");
    this.thread.setDaemon(true);
  }

  /** Whether every network interface that is up is a loopback one (a namespace of its own). */
  static boolean onlyLoopback() throws IOException {
    for (Iterator<NetworkInterface> it = NetworkInterface.getNetworkInterfaces().asIterator();
        it.hasNext(); ) {
      NetworkInterface n = it.next();
      if (n.isUp() && !n.isLoopback()) {
        return false;
      }
    }
    return true;
  }

  /** One listener per address (each must be a loopback address) on this port. */
  static LoopbackBackends perAddress(Collection<String> addresses, int port) throws IOException {
    LoopbackBackends b = new LoopbackBackends(Selector.open());
    for (String a : addresses) {
      InetAddress ip = InetAddress.getByName(a);
      if (!ip.isLoopbackAddress()) {
        throw new IllegalArgumentException(a + " is not a loopback address");
      }
      b.listen(new InetSocketAddress(ip, port));
    }
    b.thread.start();
    return b;
  }

  /** One wildcard listener on this port, only where loopback is the only interface. */
  static LoopbackBackends wildcard(int port) throws IOException {
    if (!onlyLoopback()) {
      throw new IllegalStateException(
          "a wildcard listener is only opened in a network namespace with loopback alone");
    }
    LoopbackBackends b = new LoopbackBackends(Selector.open());
    b.listen(new InetSocketAddress(port));
    b.thread.start();
    return b;
  }

  private void listen(InetSocketAddress at) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open();
    s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    s.bind(at, 1024);
    s.configureBlocking(false);
    s.register(selector, SelectionKey.OP_ACCEPT);
  }

  private void loop() {
    ByteBuffer buf = ByteBuffer.allocate(8192);
    while (open) {
      try {
        selector.select(500);
        for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
          SelectionKey k = it.next();
          it.remove();
          try {
            if (k.isAcceptable()) {
              SocketChannel c = ((ServerSocketChannel) k.channel()).accept();
              if (c != null) {
                c.configureBlocking(false);
                c.register(selector, SelectionKey.OP_READ);
              }
            } else if (k.isReadable()) {
              SocketChannel c = (SocketChannel) k.channel();
              buf.clear();
              int n = c.read(buf);
              if (n > 0) { // a probe's request fits one read; answer it and close
                c.write(ByteBuffer.wrap(OK));
                answered.incrementAndGet();
              }
              k.cancel();
              c.close();
            }
          } catch (IOException e) {
            k.cancel();
            k.channel().close();
          }
        }
      } catch (IOException | java.nio.channels.ClosedSelectorException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    open = false;
    for (SelectionKey k : selector.keys()) {
      k.channel().close();
    }
    selector.close();
  }
}
