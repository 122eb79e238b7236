package io.gatewaydoctor.signals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the gateway's own logs say, per upstream ({@code <namespace>-<service>-<port>}) and per
 * upstream address, within a window: requests, the 500/502/503/504 the gateway generated apart from
 * those the application returned, and the error-log reasons. Immutable once built; bounded (a few
 * counters per upstream and address, at most {@link #MAX_SAMPLES} sample lines per address).
 */
public final class GatewayEvidence {
  public static final GatewayEvidence NONE = new Builder(Instant.EPOCH, Duration.ZERO).build();
  public static final int MAX_SAMPLES = 3;
  public static final int MAX_FAILED_ADDRESSES = 64;

  /** Names (upstreams, addresses) longer than this are not counted: no real one is. */
  public static final int MAX_KEY_CHARS = 256;

  /**
   * Tries of one line counted at most (ingress-nginx tries 3 by default; a line listing hundreds is
   * not one nginx wrote).
   */
  public static final int MAX_TRIES = 16;

  /** Counters of one upstream or one address. */
  public static final class Counts {
    public long requests;
    public final long[] gateway = new long[4]; // 500, 502, 503, 504
    public final long[] app = new long[4];
    public final Map<ErrorLine.Reason, Long> reasons = new HashMap<>();
    public final List<String> samples = new ArrayList<>();

    /**
     * For an upstream: its addresses whose tries failed, with how many (at most {@link
     * #MAX_FAILED_ADDRESSES}).
     */
    public final Map<String, Long> failedAddresses = new java.util.LinkedHashMap<>();

    /**
     * Gateway-generated errors per epoch minute: when they began, and whether steadily or in
     * bursts.
     */
    public final java.util.TreeMap<Long, Long> errorMinutes = new java.util.TreeMap<>();

    /**
     * For an address: the gateway-generated errors clients got whose last failed try went to it (a
     * request retried on three pods is one client error, charged to the last), and their minutes.
     * Tries that a retry hid from the client are in {@link #gateway} only.
     */
    public long clientErrors;

    public final java.util.TreeMap<Long, Long> clientErrorMinutes = new java.util.TreeMap<>();

    public long gateway502() {
      return gateway[1];
    }

    /** Adds another's counts to these (samples stay capped). */
    void add(Counts o) {
      requests += o.requests;
      for (int i = 0; i < 4; i++) {
        gateway[i] += o.gateway[i];
        app[i] += o.app[i];
      }
      o.reasons.forEach((r, n) -> reasons.merge(r, n, Long::sum));
      for (String s : o.samples) {
        if (samples.size() < MAX_SAMPLES) {
          samples.add(s);
        }
      }
      o.errorMinutes.forEach((m, n) -> errorMinutes.merge(m, n, Long::sum));
      clientErrors += o.clientErrors;
      o.clientErrorMinutes.forEach((m, n) -> clientErrorMinutes.merge(m, n, Long::sum));
      o.failedAddresses.forEach(
          (a, n) -> {
            if (failedAddresses.containsKey(a) || failedAddresses.size() < MAX_FAILED_ADDRESSES) {
              failedAddresses.merge(a, n, Long::sum);
            }
          });
    }

    /** The first minute with gateway errors, or null. */
    public Instant errorsSince() {
      return errorMinutes.isEmpty() ? null : Instant.ofEpochSecond(errorMinutes.firstKey() * 60);
    }

    /**
     * Whether the errors came in most minutes since they began ("steady": a broken pod, a wrong
     * port) rather than in a few bursts (a rollout, a restart, a traffic spike).
     */
    public boolean steady() {
      if (errorMinutes.isEmpty()) {
        return false;
      }
      long span = errorMinutes.lastKey() - errorMinutes.firstKey() + 1;
      return span <= 2 || errorMinutes.size() * 4 >= span * 3;
    }

    public long app502() {
      return app[1];
    }

    public long gatewayErrors() {
      return gateway[0] + gateway[1] + gateway[2] + gateway[3];
    }

    /** The 500/502/503/504 the application answered itself, passed on by the gateway. */
    public long appErrors() {
      return app[0] + app[1] + app[2] + app[3];
    }
  }

  /**
   * What the clients of one Ingress got, from the controller's request metrics: requests and the
   * 500/502/503/504 among them, gateway-generated and app-returned together.
   */
  public record Returned(long requests, long[] statuses, String source) {
    public long errors() {
      return statuses[1] + statuses[2] + statuses[3];
    }

    /** From requests per status ("200" → 812, "502" → 37). */
    public static Returned of(Map<String, Long> byStatus, String source) {
      long[] st = new long[4];
      long total = 0;
      for (Map.Entry<String, Long> e : byStatus.entrySet()) {
        total += e.getValue();
        int slot =
            switch (e.getKey()) {
              case "500" -> 0;
              case "502" -> 1;
              case "503" -> 2;
              case "504" -> 3;
              default -> -1;
            };
        if (slot >= 0) {
          st[slot] += e.getValue();
        }
      }
      return new Returned(total, st, source);
    }
  }

  /**
   * upstream → the address of its line's last try ({@link #NO_ADDRESS} when there was none) →
   * counters.
   */
  private final Map<String, Map<String, Counts>> byUpstream;

  private final Map<String, Counts> upstreamTotals = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Counts> byAddress;
  private final Map<String, Returned> byIngress;
  private final Duration window;
  private final long skipped;
  private final Instant newest;

  private GatewayEvidence(Builder b) {
    Map<String, Map<String, Counts>> u = new HashMap<>();
    b.byUpstream.forEach((k, v) -> u.put(k, Map.copyOf(v)));
    this.byUpstream = Map.copyOf(u);
    this.byAddress = Map.copyOf(b.byAddress);
    this.byIngress = Map.of();
    this.window = b.window;
    this.skipped = b.skipped;
    this.newest = b.newest;
  }

  private GatewayEvidence(GatewayEvidence e, Map<String, Returned> byIngress) {
    this.byUpstream = e.byUpstream;
    this.byAddress = e.byAddress;
    this.window = e.window;
    this.skipped = e.skipped;
    this.newest = e.newest;
    this.byIngress = Map.copyOf(byIngress);
  }

  /** Nothing from logs nor from metrics. */
  public boolean isEmpty() {
    return byUpstream.isEmpty() && byAddress.isEmpty() && byIngress.isEmpty();
  }

  /** Whether any log line counted. */
  public boolean hasLogs() {
    return !byUpstream.isEmpty() || !byAddress.isEmpty();
  }

  /** What the clients of an Ingress got, from metrics, or null. */
  public Returned returned(String namespace, String ingress) {
    return byIngress.get(namespace + "/" + ingress);
  }

  /** The same evidence with the metrics of one Ingress added. */
  public GatewayEvidence withReturned(String namespace, String ingress, Returned r) {
    if (r == null) {
      return this;
    }
    Map<String, Returned> m = new HashMap<>(byIngress);
    m.put(namespace + "/" + ingress, r);
    return new GatewayEvidence(this, m);
  }

  /** An upstream's counters over all its lines, or null. */
  public Counts upstream(String name) {
    Map<String, Counts> m = byUpstream.get(name);
    return m == null ? null : upstreamTotals.computeIfAbsent(name, k -> sum(m, a -> true));
  }

  /**
   * An upstream's counters over the lines whose last try went to one of {@code addresses}, or null:
   * what can be charged to one target when its upstream name is shared. Lines that reached no
   * address (no endpoints, a rate limit) cannot be told apart and count for neither.
   */
  public Counts upstream(String name, java.util.Set<String> addresses) {
    Map<String, Counts> m = byUpstream.get(name);
    if (m == null) {
      return null;
    }
    Counts c = sum(m, addresses::contains);
    return c.requests == 0 && c.failedAddresses.isEmpty() ? null : c;
  }

  /**
   * A backend's counters over several upstream names: all the lines of a name mapped to true, only
   * those whose last try went to one of {@code addresses} for a name mapped to false; null when
   * nothing counted.
   */
  public Counts upstreams(Map<String, Boolean> names, java.util.Set<String> addresses) {
    if (names.size() == 1) {
      Map.Entry<String, Boolean> only = names.entrySet().iterator().next();
      return only.getValue() ? upstream(only.getKey()) : upstream(only.getKey(), addresses);
    }
    Counts out = null;
    for (Map.Entry<String, Boolean> e : new java.util.TreeMap<>(names).entrySet()) {
      Counts c = e.getValue() ? upstream(e.getKey()) : upstream(e.getKey(), addresses);
      if (c != null) {
        if (out == null) {
          out = new Counts();
        }
        out.add(c);
      }
    }
    return out;
  }

  private static Counts sum(
      Map<String, Counts> byLastAddress, java.util.function.Predicate<String> take) {
    Counts out = new Counts();
    new java.util.TreeMap<>(byLastAddress)
        .forEach(
            (a, c) -> {
              if (take.test(a)) {
                out.add(c);
              }
            });
    return out;
  }

  /**
   * An upstream's counters per the address its lines' last try went to ({@link #NO_ADDRESS} for
   * none); empty when the upstream has no lines.
   */
  public Map<String, Counts> byLastAddress(String upstream) {
    return byUpstream.getOrDefault(upstream, Map.of());
  }

  /** The key of an upstream's lines that reached no address. */
  public static final String NO_ADDRESS = "-";

  public Counts address(String addr) {
    return byAddress.get(addr);
  }

  public Duration window() {
    return window;
  }

  /**
   * A digest of what a verdict reads: errors, reasons, the minutes with errors, what clients got;
   * not the request counts alone (traffic without errors changes no verdict) nor the samples.
   */
  public long digest() {
    long h = 17;
    Map<String, Counts> upstreams = new HashMap<>();
    byUpstream.forEach((k, v) -> v.forEach((a, c) -> upstreams.put(k + " " + a, c)));
    for (Map<String, Counts> m : List.of(upstreams, byAddress)) {
      for (String k : new java.util.TreeSet<>(m.keySet())) {
        Counts c = m.get(k);
        h = h * 31 + k.hashCode();
        for (int i = 0; i < 4; i++) {
          h = h * 31 + c.gateway[i];
          h = h * 31 + c.app[i];
        }
        h = h * 31 + new java.util.TreeMap<>(c.reasons).hashCode();
        h = h * 31 + c.errorMinutes.hashCode();
        h = h * 31 + c.clientErrors;
      }
      h = h * 31 + 7;
    }
    for (String k : new java.util.TreeSet<>(byIngress.keySet())) {
      Returned r = byIngress.get(k);
      h = h * 31 + k.hashCode();
      h = h * 31 + java.util.Arrays.hashCode(r.statuses());
    }
    return h;
  }

  /**
   * Everything counted, in a fixed order (keys sorted; samples and failed addresses in the order
   * their lines came): two readings of the same lines give the same text.
   */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    new java.util.TreeMap<>(byUpstream)
        .forEach(
            (u, m) ->
                new java.util.TreeMap<>(m)
                    .forEach(
                        (a, c) ->
                            b.append("upstream ")
                                .append(u)
                                .append(" last ")
                                .append(a)
                                .append(": ")
                                .append(describe(c))
                                .append('\n')));
    new java.util.TreeMap<>(byAddress)
        .forEach(
            (a, c) -> b.append("address ").append(a).append(": ").append(describe(c)).append('\n'));
    return b.append("newest ").append(newest).append(", skipped ").append(skipped).toString();
  }

  private static String describe(Counts c) {
    return "requests="
        + c.requests
        + " gateway="
        + java.util.Arrays.toString(c.gateway)
        + " app="
        + java.util.Arrays.toString(c.app)
        + " reasons="
        + new java.util.TreeMap<>(c.reasons)
        + " samples="
        + c.samples
        + " failed="
        + c.failedAddresses
        + " minutes="
        + c.errorMinutes
        + " client="
        + c.clientErrors
        + " "
        + c.clientErrorMinutes;
  }

  /** Lines that were neither an access line nor an upstream error line. */
  public long skipped() {
    return skipped;
  }

  public Instant newest() {
    return newest;
  }

  /** Collects lines; only those within [now - window, now] count. Not thread-safe. */
  public static final class Builder {
    private final Instant now;
    private final Duration window;
    private final Map<String, Map<String, Counts>> byUpstream = new HashMap<>();
    private final Map<String, Counts> byAddress = new HashMap<>();
    private int upstreamKeys;
    private long skipped;
    private Instant newest;

    public Builder(Instant now, Duration window) {
      this(now, window, false);
    }

    /**
     * The start of the window: {@code now - window} (the earliest instant when that is before it).
     */
    private final Instant since;

    private Builder(Instant now, Duration window, boolean unbounded) {
      this.now = now;
      this.window = window;
      Instant s;
      try {
        s = now.minus(window);
      } catch (java.time.DateTimeException | ArithmeticException e) {
        s = Instant.MIN;
      }
      this.since = s;
      this.unbounded = unbounded;
      this.feed = new LogFeed(this::add, this::add);
    }

    private final boolean unbounded;

    /** A builder that counts every line, whatever its time (a bucket of a longer-lived store). */
    static Builder unbounded() {
      return new Builder(Instant.EPOCH, Duration.ZERO, true);
    }

    /**
     * Adds what another builder counted for these upstreams and addresses (looked up, not scanned).
     */
    void merge(Builder o, java.util.Set<String> upstreams, java.util.Set<String> addresses) {
      o.flush();
      for (String k : upstreams) {
        Map<String, Counts> m = o.byUpstream.get(k);
        if (m != null) {
          addUpstream(k, m);
        }
      }
      for (String k : addresses) {
        Counts c = o.byAddress.get(k);
        if (c != null) {
          addAddress(k, c);
        }
      }
      newer(o.newest);
    }

    /** Adds another builder's counters of one upstream, per last address. */
    private void addUpstream(String upstream, Map<String, Counts> byLast) {
      Map<String, Counts> mine = byUpstream.computeIfAbsent(upstream, x -> new HashMap<>());
      byLast.forEach(
          (a, c) ->
              mine.computeIfAbsent(
                      a,
                      x -> {
                        upstreamKeys++;
                        return new Counts();
                      })
                  .add(c));
    }

    private void addAddress(String address, Counts c) {
      byAddress.computeIfAbsent(address, x -> new Counts()).add(c);
    }

    private void newer(Instant t) {
      if (t != null && (newest == null || t.isAfter(newest))) {
        newest = t;
      }
    }

    /** How many upstreams and addresses this builder counts: its size. */
    int keys() {
      return upstreamKeys + byAddress.size();
    }

    /**
     * {@link #inWindow(Instant)} of {@code second} and {@code nano}, without making an Instant per
     * line (with one, the 1 GiB benchmark log of ingress-nginx read in 1.76 s against 1.60 s, five
     * alternating pairs).
     */
    private boolean inWindow(long second, int nano) {
      if (newest == null
          || second > newest.getEpochSecond()
          || second == newest.getEpochSecond() && nano > newest.getNano()) {
        newest = Instant.ofEpochSecond(second, nano);
      }
      return unbounded
          || ((second < now.getEpochSecond()
                  || second == now.getEpochSecond() && nano <= now.getNano())
              && (second > since.getEpochSecond()
                  || second == since.getEpochSecond() && nano >= since.getNano()));
    }

    private boolean inWindow(Instant t) {
      if (newest == null || t.isAfter(newest)) {
        newest = t;
      }
      return unbounded || (!t.isAfter(now) && !t.isBefore(since));
    }

    private LogFeed feed;

    /** Reads access lines in a custom format (null: the default log-format-upstream). */
    public Builder format(LogFormat f) {
      this.feed = new LogFeed(this::add, this::add, f);
      if (deferUnknownOffset) {
        feed.deferUnknownOffset();
      }
      if (seededOffset != null) {
        feed.seedOffset(seededOffset);
      }
      return this;
    }

    private boolean deferUnknownOffset;
    private Integer seededOffset;
    private boolean uncappedFailures;

    /**
     * For a reader that starts in the middle of a log: error lines before the first access line
     * that gives the UTC offset are not counted; {@link #takeDeferred()} says when the last line
     * was one ({@link LogFeed#deferUnknownOffset()}).
     */
    public Builder deferUnknownOffset() {
      this.deferUnknownOffset = true;
      feed.deferUnknownOffset();
      return this;
    }

    /** Starts with the UTC offset of the lines before (error lines are shifted by it). */
    public Builder seedOffset(int seconds) {
      this.seededOffset = seconds;
      feed.seedOffset(seconds);
      return this;
    }

    /** Whether the last line was an error line left uncounted for want of the offset. */
    public boolean takeDeferred() {
      return feed.takeDeferred();
    }

    public boolean offsetKnown() {
      return feed.offsetKnown();
    }

    public int offsetSeconds() {
      return feed.offsetSeconds();
    }

    /**
     * Keeps every failed address of an upstream, not only the first {@link #MAX_FAILED_ADDRESSES}:
     * for a part of a log whose builder is {@link #absorb absorbed} into the whole in order (the
     * cap applies there, to the same addresses as one reader would keep).
     */
    public Builder uncappedFailures() {
      this.uncappedFailures = true;
      return this;
    }

    /**
     * Adds everything another builder counted, as if its lines had come after this one's: a log
     * read in parts and joined in their order counts what one reader would.
     */
    public void absorb(Builder o) {
      o.flush();
      o.byUpstream.forEach(this::addUpstream);
      o.byAddress.forEach(this::addAddress);
      skipped += o.skipped;
      newer(o.newest);
    }

    /** One raw line of either log; returns false when it was not understood (and counts it). */
    public boolean line(String raw) {
      if (feed.line(raw)) {
        return true;
      }
      skipped++;
      return false;
    }

    /**
     * One raw line as bytes, read as Latin-1: counts what {@link #line(String)} counts for the same
     * line. The common access line of the default format is read from its bytes and counted by the
     * {@link Plan} of its shape, made once (by the same code as {@link #add(AccessLine)}) and kept;
     * any other line is read as a string.
     */
    public boolean line(byte[] b, int from, int to) {
      if (to > from && b[from] == '{') {
        EnvoyJsonBytes e = EnvoyJsonBytes.local();
        EnvoyLogParser.Parsed shape = feed.envoy(e, b, from, to);
        if (shape != null) {
          envoy(e, shape);
          return true;
        }
      }
      NginxAccessBytes r = NginxAccessBytes.local();
      if (!feed.scan(r, b, from, to)) {
        return line(new String(b, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1));
      }
      long second = r.epochSecond();
      if (!inWindow(second, 0)) {
        return true;
      }
      if (plans == null) {
        plans = new Plans(); // only a builder that reads bytes keeps plans
      }
      Plan p = plans.get(r, b);
      boolean kept = p != null;
      if (p == null) {
        p = plan(r.line(b));
        kept = p.complete && plans.put(p);
      }
      count(p, Math.floorDiv(second, 60), kept);
      return true;
    }

    private Plans plans;

    /**
     * Reads the line that starts at {@code b[from]} if it is an Envoy JSON line whose newline comes
     * before {@code limit}, counting what {@link #line(byte[], int, int)} counts for it; returns
     * the index of its newline, or -1 when it was not read here (then the caller finds the line's
     * end and hands it to {@link #line(byte[], int, int)}). Finding a line's end and reading it in
     * one pass saves the search for its newline (a sixth of reading an Envoy log).
     */
    public int lineAt(byte[] b, int from, int limit) {
      if (from >= limit || b[from] != '{') {
        return -1;
      }
      EnvoyJsonBytes e = EnvoyJsonBytes.local();
      EnvoyLogParser.Parsed shape = feed.envoyAt(e, b, from, limit);
      if (shape == null) {
        return -1;
      }
      envoy(e, shape);
      return e.end();
    }

    /** This builder as the sink of {@link LineSplitter#splitBytes}: each line as bytes. */
    public LineSplitter.ByteLines byteLines() {
      return new LineSplitter.ByteLines() {
        @Override
        public void line(byte[] buf, int from, int to) {
          Builder.this.line(buf, from, to);
        }

        @Override
        public int lineAt(byte[] buf, int from, int limit) {
          return Builder.this.lineAt(buf, from, limit);
        }
      };
    }

    /**
     * Counts an Envoy line of {@code shape} at the time {@code e} read, as {@link #add(AccessLine)}
     * and {@link #add(ErrorLine)} count its request and its upstream's failure. A shape the reader
     * keeps is always the same object: its plan is kept too (the plan of a line of the 1 GiB
     * benchmark log was the largest method the JIT compiled, twice, 0.6 s of the run).
     */
    private void envoy(EnvoyJsonBytes e, EnvoyLogParser.Parsed shape) {
      long second = e.second();
      if (!inWindow(second, e.nano())) {
        return;
      }
      Plan p = e.kept() ? envoyPlans.get(shape) : null;
      boolean kept = p != null;
      if (p == null) {
        p = plan(shape.access());
        kept = p.complete && e.kept() && envoyPlans.size() < MAX_PLANS;
        if (kept) {
          envoyPlans.put(shape, p);
        }
      }
      count(p, Math.floorDiv(second, 60), kept);
      ErrorLine error = shape.error();
      if (error == null) {
        return;
      }
      if (p.errorCounts != null) {
        p.errorPending++; // only a reason to add: the address's samples are full
        listPending(p);
        return;
      }
      Counts c = countError(error);
      if (kept && c != null && c.samples.size() >= MAX_SAMPLES) {
        p.errorCounts = c;
        p.errorReason = error.reason();
      }
    }

    /** The plans of the Envoy shapes the reader keeps, by their (identical) meaning. */
    private final Map<EnvoyLogParser.Parsed, Plan> envoyPlans = new java.util.IdentityHashMap<>();

    private static final int MAX_PLANS = 8192;

    /** Counts a line that was not understood. */
    void skipped(long n) {
      skipped += n;
    }

    /**
     * The counters of a key; a new key only while fewer than maxKeys are counted (else null, and
     * counted as dropped).
     */
    private Counts counts(Map<String, Counts> m, String key) {
      Counts c = m.get(key);
      if (c == null) {
        if (!admit(key)) {
          return null;
        }
        c = new Counts();
        m.put(key, c);
      }
      return c;
    }

    /**
     * Whether one more key may be counted: fewer than maxKeys, a name of sane length, and room in
     * the byte budget (taken here).
     */
    private boolean admit(String key, String... names) {
      boolean tooLong = key.length() > MAX_KEY_CHARS && names.length == 0;
      for (String n : names) {
        tooLong |= n.length() > MAX_KEY_CHARS;
      }
      if (keys() >= maxKeys || tooLong) {
        droppedKeys++;
        return false;
      }
      long n = ByteBudget.keyBytes(key);
      if (!(known.test(key) ? budget.take(n) : budget.takeNew(n))) {
        droppedKeys++;
        return false;
      }
      bytes += n;
      return true;
    }

    /**
     * The counters of an upstream's lines that ended at one address; null past maxKeys, as {@link
     * #counts}.
     */
    private Counts upstreamCounts(String upstream, String lastAddress) {
      Map<String, Counts> m = byUpstream.get(upstream);
      Counts c = m == null ? null : m.get(lastAddress);
      if (c == null) {
        if (!admit(upstream + " " + lastAddress, upstream, lastAddress)) {
          return null;
        }
        c = new Counts();
        byUpstream.computeIfAbsent(upstream, k -> new HashMap<>()).put(lastAddress, c);
        upstreamKeys++;
      }
      return c;
    }

    /** The address of a line's last real try, or {@link #NO_ADDRESS}. */
    private static String lastAddress(AccessLine a) {
      for (int i = a.upstreamAddrs().size() - 1; i >= 0; i--) {
        String addr = a.upstreamAddrs().get(i);
        if (!addr.equals("-") && !addr.startsWith("unix:")) {
          return addr;
        }
      }
      return NO_ADDRESS;
    }

    private int maxKeys = Integer.MAX_VALUE;
    private long droppedKeys;
    private ByteBudget budget = ByteBudget.unlimited();
    private long bytes;

    private java.util.function.Predicate<String> known = k -> false;

    /** Takes the bytes of what it counts from {@code b} (shared by every minute of a store). */
    Builder budget(ByteBudget b) {
      this.budget = b;
      return this;
    }

    /** Which keys were counted in the minute before (they may use the whole budget). */
    Builder known(java.util.function.Predicate<String> k) {
      this.known = k;
      return this;
    }

    /** Whether this builder counts the key (an address, or "upstream address"). */
    boolean has(String key) {
      if (byAddress.containsKey(key)) {
        return true;
      }
      int sp = key.indexOf(' ');
      if (sp < 0) {
        return false;
      }
      Map<String, Counts> m = byUpstream.get(key.substring(0, sp));
      return m != null && m.containsKey(key.substring(sp + 1));
    }

    /** The bytes this builder took from its budget. */
    long bytes() {
      return bytes;
    }

    /** Counts at most this many upstreams and addresses; lines about further ones are dropped. */
    Builder maxKeys(int n) {
      this.maxKeys = n;
      return this;
    }

    long droppedKeys() {
      return droppedKeys;
    }

    public void add(AccessLine a) {
      if (!inWindow(a.time())) {
        return;
      }
      count(plan(a), Math.floorDiv(a.time().getEpochSecond(), 60), false);
    }

    /**
     * What one access line adds to, whatever its time: the counters of its upstream (by the address
     * of its last try) and of each address it tried, and what each gets. Making it admits the
     * line's keys (as counting the line would); a plan whose keys were all admitted is {@code
     * complete} and holds for every line of the same shape.
     */
    static final class Plan {
      final Counts upstream;
      final int slot;
      final boolean fromApp;
      final Counts[] tries;
      final String[] addrs;

      /** Per try: the gateway slot its failure counts in, or -1 (it did not fail). */
      final int[] failedSlot;

      /** Per try: whether it answered the client's error itself (the application's). */
      final boolean[] app;

      /** The address charged with the client's error, or null. */
      final Counts client;

      final boolean complete;

      /**
       * The minute maps a line of this plan adds one to, in the order {@link #count} adds: its
       * upstream's and each failed try's {@code errorMinutes}, its client address's {@code
       * clientErrorMinutes}.
       */
      final java.util.List<java.util.TreeMap<Long, Long>> minutes;

      /** Lines of a kept plan in {@link #pendingMinute} not yet added to {@link #minutes}. */
      int pending;

      long pendingMinute;

      /** Whether the builder holds it among the plans with lines pending. */
      boolean listed;

      /**
       * Per try of a kept plan: whether its address is among its upstream's failed addresses (it
       * stays there), so that its failures wait in {@link #failedPending} to be added.
       */
      final boolean[] failedIn;

      final long[] failedPending;

      /**
       * A kept Envoy plan's upstream failure, once its address's samples are full: the address's
       * counters and the reason, its lines waiting in {@link #errorPending} to be added.
       */
      Counts errorCounts;

      ErrorLine.Reason errorReason;
      long errorPending;

      Plan(
          Counts upstream,
          int slot,
          boolean fromApp,
          int tries,
          Counts[] counts,
          String[] addrs,
          int[] failedSlot,
          boolean[] app,
          Counts client,
          boolean complete) {
        this.upstream = upstream;
        this.slot = slot;
        this.fromApp = fromApp;
        this.tries = tries == counts.length ? counts : java.util.Arrays.copyOf(counts, tries);
        this.addrs = tries == addrs.length ? addrs : java.util.Arrays.copyOf(addrs, tries);
        this.failedSlot =
            tries == failedSlot.length ? failedSlot : java.util.Arrays.copyOf(failedSlot, tries);
        this.app = tries == app.length ? app : java.util.Arrays.copyOf(app, tries);
        this.client = client;
        this.complete = complete;
        this.failedIn = new boolean[this.tries.length];
        this.failedPending = new long[this.tries.length];
        java.util.List<java.util.TreeMap<Long, Long>> m = new ArrayList<>();
        if (slot >= 0 && !fromApp) {
          m.add(upstream.errorMinutes);
        }
        for (int i = 0; i < this.tries.length; i++) {
          if (this.failedSlot[i] >= 0) {
            m.add(this.tries[i].errorMinutes);
          }
        }
        if (client != null) {
          m.add(client.clientErrorMinutes);
        }
        this.minutes = List.copyOf(m);
      }
    }

    /** The plan of a line: its keys are admitted here, in the order counting them admits them. */
    Plan plan(AccessLine a) {
      boolean complete = true;
      Counts u = upstreamCounts(a.upstream(), lastAddress(a));
      if (u == null) {
        u = new Counts(); // past the key limit: counted nowhere
        complete = false;
      }
      int slot = slot(a.status());
      // the client's error was the application's answer (else the gateway's own)
      boolean fromApp = slot >= 0 && a.fromApp();
      int n = a.upstreamAddrs().size();
      int most = Math.min(n, MAX_TRIES);
      Counts[] tries = new Counts[most];
      String[] addrs = new String[most];
      int[] failedSlot = new int[most];
      boolean[] app = new boolean[most];
      int t = 0;
      for (int i = 0; i < most; i++) {
        String addr = a.upstreamAddrs().get(i);
        if (addr.equals("-") || addr.startsWith("unix:")) {
          continue;
        }
        Counts c = counts(byAddress, addr);
        if (c == null) {
          complete = false;
          continue;
        }
        boolean last = i == n - 1;
        boolean failed = a.tryFailed(i);
        // a failed try: nothing came back (refused, reset, timed out, cut short); it counts as the
        // client's status on the last try (Envoy answers 503 for a connect failure), else as
        // what nginx wrote for the try
        String st = i < a.upstreamStatuses().size() ? a.upstreamStatuses().get(i) : "-";
        tries[t] = c;
        addrs[t] = addr;
        failedSlot[t] = !failed ? -1 : last && slot >= 0 ? slot : st.equals("504") ? 3 : 1;
        app[t] = !failed && last && fromApp;
        t++;
      }
      Counts client = null;
      if (slot >= 0 && !fromApp) {
        // the client got the gateway's error: charged once, to the address of the last try that
        // failed (within the tries counted: a try past them has no counters of its own here)
        for (int i = most - 1; i >= 0; i--) {
          String addr = a.upstreamAddrs().get(i);
          if (!addr.equals("-") && !addr.startsWith("unix:") && (a.tryFailed(i) || i == n - 1)) {
            client = byAddress.get(addr);
            break;
          }
        }
      }
      return new Plan(u, slot, fromApp, t, tries, addrs, failedSlot, app, client, complete);
    }

    /**
     * Counts one line of a plan's shape in epoch minute {@code minute}. A {@code kept} plan (the
     * same object for every line of its shape) adds its minutes once the minute changes, or when
     * the builder's counts are read ({@link #flush()}): a boxed merge into each minute map per line
     * was a tenth of reading an Envoy log.
     */
    private void count(Plan p, long minute, boolean kept) {
      Counts u = p.upstream;
      u.requests++;
      if (p.slot >= 0) {
        (p.fromApp ? u.app : u.gateway)[p.slot]++;
      }
      for (int i = 0; i < p.tries.length; i++) {
        Counts c = p.tries[i];
        c.requests++;
        if (p.failedSlot[i] >= 0) {
          c.gateway[p.failedSlot[i]]++;
          if (p.failedIn[i]) {
            p.failedPending[i]++;
            listPending(p);
          } else {
            String addr = p.addrs[i];
            if (uncappedFailures
                || u.failedAddresses.containsKey(addr)
                || u.failedAddresses.size() < MAX_FAILED_ADDRESSES) {
              u.failedAddresses.merge(addr, 1L, Long::sum);
              p.failedIn[i] = kept; // the address stays: a kept plan's next failures wait
            }
          }
        } else if (p.app[i]) {
          c.app[p.slot]++;
        }
      }
      if (p.client != null) {
        p.client.clientErrors++;
      }
      if (p.minutes.isEmpty()) {
        return;
      }
      if (!kept) {
        for (java.util.TreeMap<Long, Long> m : p.minutes) {
          m.merge(minute, 1L, Long::sum);
        }
      } else if (p.pending > 0 && p.pendingMinute == minute) {
        p.pending++;
      } else {
        flushMinutes(p);
        p.pendingMinute = minute;
        p.pending = 1;
        listPending(p);
      }
    }

    private void listPending(Plan p) {
      if (!p.listed) {
        p.listed = true;
        pending.add(p);
      }
    }

    /** The kept plans that may have lines pending. */
    private final List<Plan> pending = new ArrayList<>();

    private static void flush(Plan p) {
      flushMinutes(p);
      for (int i = 0; i < p.failedPending.length; i++) {
        if (p.failedPending[i] > 0) {
          p.upstream.failedAddresses.merge(p.addrs[i], p.failedPending[i], Long::sum);
          p.failedPending[i] = 0;
        }
      }
      if (p.errorPending > 0) {
        p.errorCounts.reasons.merge(p.errorReason, p.errorPending, Long::sum);
        p.errorPending = 0;
      }
    }

    private static void flushMinutes(Plan p) {
      if (p.pending > 0) {
        Long n = (long) p.pending;
        for (java.util.TreeMap<Long, Long> m : p.minutes) {
          m.merge(p.pendingMinute, n, Long::sum);
        }
        p.pending = 0;
      }
    }

    /** Adds every kept plan's pending lines to the minute maps: before the counts are read. */
    private void flush() {
      for (Plan p : pending) {
        flush(p);
      }
    }

    /**
     * The complete plans of one builder by the shape of their lines ({@link
     * NginxAccessBytes#shape}), in a bounded {@link ByteTable} (past it, plans are made per line).
     */
    private static final class Plans {
      private final ByteTable<Plan> table = new ByteTable<>(8192);
      private final byte[] key = new byte[1024];
      private int keyLength = -1;

      /** The plan of the shape of the line {@code r} scanned, or null (then {@link #put} it). */
      Plan get(NginxAccessBytes r, byte[] b) {
        keyLength = r.shape(b, key);
        return keyLength < 0 ? null : table.get(key, 0, keyLength);
      }

      /** Keeps the plan of the shape {@link #get} just missed; whether there was room. */
      boolean put(Plan p) {
        boolean kept = keyLength >= 0 && table.put(key, 0, keyLength, p);
        keyLength = -1;
        return kept;
      }
    }

    public void add(ErrorLine e) {
      if (inWindow(e.time())) {
        countError(e);
      }
    }

    /** Counts an upstream's failure in the window; the counters of its address, or null. */
    private Counts countError(ErrorLine e) {
      if (e.upstreamAddr() == null) {
        return null;
      }
      Counts c = counts(byAddress, e.upstreamAddr());
      if (c == null) {
        return null;
      }
      c.reasons.merge(e.reason(), 1L, Long::sum);
      if (c.samples.size() < MAX_SAMPLES) {
        String sample = e.message().length() > 300 ? e.message().substring(0, 300) : e.message();
        if (budget.take(64 + sample.length())) {
          bytes += 64 + sample.length();
          c.samples.add(sample);
        }
      }
      return c;
    }

    private static int slot(int status) {
      return switch (status) {
        case 500 -> 0;
        case 502 -> 1;
        case 503 -> 2;
        case 504 -> 3;
        default -> -1;
      };
    }

    public GatewayEvidence build() {
      flush();
      return new GatewayEvidence(this);
    }

    /** The newest instant seen on a line so far, in or out of the window. */
    public Instant newest() {
      return newest;
    }
  }
}
