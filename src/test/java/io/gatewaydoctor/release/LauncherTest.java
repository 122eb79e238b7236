package io.gatewaydoctor.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launchers choose the JVM's options by command and input size: one-shot commands get the quick
 * JIT, except when an input file is over 256 MiB (a gateway log of GiBs), which the optimising JIT
 * reads faster. Run against a stand-in {@code java} that prints its arguments.
 */
class LauncherTest {
  static final Path DIST = Path.of("packaging/dist/gateway-doctor").toAbsolutePath();

  static String launch(Path javaHome, String... args) throws Exception {
    return launch(null, javaHome, args);
  }

  static String launch(Path dir, Path javaHome, String... args) throws Exception {
    return onCores("2", dir, javaHome, args);
  }

  /** {@code cpus}: what nproc says (it honours OMP_NUM_THREADS), whatever this machine has. */
  static String onCores(String cpus, Path dir, Path javaHome, String... args) throws Exception {
    return run(
        java.util.Map.of("OMP_NUM_THREADS", cpus, "GATEWAYDOCTOR_CDS", "off"),
        0,
        dir,
        javaHome,
        args);
  }

  /**
   * The launcher's output (the stand-in java's arguments) with {@code env} set; exits {@code code}.
   */
  static String run(
      java.util.Map<String, String> env, int code, Path dir, Path javaHome, String... args)
      throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of("bash", DIST.toString()));
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.environment().put("JAVA_HOME", javaHome.toString());
    pb.environment().remove("JAVA_OPTS");
    pb.environment().remove("GATEWAYDOCTOR_CDS");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(code);
    return out.strip();
  }

  /**
   * The first analyze writes a class-data archive into the user's cache, in a JVM run of its own
   * before the command's (its output and exit code dropped), kept only once a JVM maps it; later
   * one-shot runs map it; the operator never does; GATEWAYDOCTOR_CDS=off turns it off; the
   * directory must be the user's and closed to others.
   */
  @Test
  void oneShotCommandsShareTheClassesTheFirstAnalyzeArchived(@TempDir Path tmp) throws Exception {
    Path jdk = standInJdk(tmp);
    Path cache = tmp.resolve("cache with space");
    java.util.Map<String, String> env =
        java.util.Map.of("OMP_NUM_THREADS", "2", "XDG_CACHE_HOME", cache.toString());
    Path dump = Files.writeString(tmp.resolve("dump.yaml"), "x\n");
    String quick = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC ";
    // describe and version write nothing
    assertThat(run(env, 0, null, jdk, "describe", "gd/web"))
        .doesNotContain("SharedArchive")
        .doesNotContain("ArchiveClasses");
    assertThat(cache.resolve("gateway-doctor")).doesNotExist();
    // an archive no JVM maps is dropped; the command runs as it would, its exit code kept, and
    // the attempt waits a day
    java.util.Map<String, String> unmappable = new java.util.HashMap<>(env);
    unmappable.put("STANDIN_BAD_ARCHIVE", "1");
    assertThat(run(unmappable, 1, null, jdk, "analyze", "-f", dump.toString(), "--exit", "1"))
        .isEqualTo(quick + "-jar " + jar(jdk) + " analyze -f " + dump + " --exit 1");
    assertThat(archives(cache)).isEmpty();
    Path dir = cache.resolve("gateway-doctor");
    Path failed;
    try (var files = Files.list(dir)) {
      failed = files.filter(f -> f.toString().endsWith(".jsa.failed")).findFirst().orElseThrow();
    }
    run(env, 0, null, jdk, "analyze", "-f", dump.toString());
    assertThat(archives(cache)).isEmpty();
    Files.delete(failed);
    // the first analyze then: archived by the warm-up run, and this very run maps it; only the
    // command's own output reaches stdout, with its exit code
    String first = run(env, 1, null, jdk, "analyze", "-f", dump.toString(), "--exit", "1");
    List<Path> written = archives(cache);
    assertThat(written).hasSize(1);
    Path archive = written.get(0);
    assertThat(archive.getFileName().toString()).matches("cds-[0-9]+\\.jsa");
    String mapped = "-XX:SharedArchiveFile=" + archive + " -Xlog:cds*=off -jar ";
    assertThat(first).isEqualTo(quick + mapped + jar(jdk) + " analyze -f " + dump + " --exit 1");
    assertThat(run(env, 0, null, jdk, "describe", "gd/web")).contains(mapped);
    assertThat(run(env, 0, null, jdk, "operator")).startsWith("-jar ");
    java.util.Map<String, String> off = new java.util.HashMap<>(env);
    off.put("GATEWAYDOCTOR_CDS", "off");
    assertThat(run(off, 0, null, jdk, "analyze", "-f", dump.toString()))
        .startsWith(quick + "-jar ");
    // a directory others can write is not trusted, nor an archive that is a symbolic link
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThat(run(env, 0, null, jdk, "describe", "gd/web")).doesNotContain("SharedArchiveFile");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Path real = Files.move(archive, tmp.resolve("elsewhere.jsa"));
    Files.createSymbolicLink(archive, real);
    assertThat(run(env, 0, null, jdk, "describe", "gd/web")).doesNotContain("SharedArchiveFile");
    Files.delete(archive);
    Files.move(real, archive);
    // another JVM (or jar) is another archive; the three newest stay
    for (int i = 0; i < 3; i++) {
      Path old = Files.writeString(dir.resolve("cds-" + (100 + i) + ".jsa"), "old");
      Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(1000L * i));
    }
    Files.setLastModifiedTime(
        jdk.resolve("bin/java"), java.nio.file.attribute.FileTime.fromMillis(0));
    assertThat(run(env, 0, null, jdk, "describe", "gd/web")).doesNotContain("SharedArchiveFile");
    run(env, 0, null, jdk, "analyze", "-f", dump.toString());
    assertThat(archives(cache))
        .hasSize(3)
        .contains(archive)
        .doesNotContain(dir.resolve("cds-100.jsa"), dir.resolve("cds-101.jsa"));
    // a relative XDG_CACHE_HOME is ignored (the XDG rule): HOME's .cache; no HOME: no archive
    Path home = Files.createDirectories(tmp.resolve("home"));
    run(
        java.util.Map.of("OMP_NUM_THREADS", "2", "XDG_CACHE_HOME", "rel", "HOME", home.toString()),
        0,
        tmp,
        jdk,
        "analyze",
        "-f",
        dump.toString());
    assertThat(archives(home.resolve(".cache"))).hasSize(1);
    assertThat(tmp.resolve("rel")).doesNotExist();
    assertThat(run(java.util.Map.of("OMP_NUM_THREADS", "2", "HOME", "rel"), 0, tmp, jdk, "analyze"))
        .startsWith(quick + "-jar ");
    assertThat(tmp.resolve("rel")).doesNotExist();
  }

  static String jar(Path jdk) {
    return DIST.resolveSibling("gateway-doctor.jar").toString();
  }

  /** The archives in a cache (and no file left being written). */
  static List<Path> archives(Path cache) throws Exception {
    Path dir = cache.resolve("gateway-doctor");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var files = Files.list(dir)) {
      List<Path> all = files.sorted().toList();
      assertThat(all).noneMatch(f -> f.getFileName().toString().startsWith("cds-tmp."));
      return all.stream().filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
    }
  }

  /**
   * A big gateway log keeps the quick JIT (the optimising one for the per-line code measured slower
   * on both logs, docs/benchmarks.md); only the operator keeps the JVM's defaults.
   */
  @Test
  void bigLogsKeepTheQuickCompiler(@TempDir Path tmp) throws Exception {
    Path jdk = standInJdk(tmp);
    Path small = Files.writeString(tmp.resolve("small.log"), "x\n");
    Path big = sparse(tmp.resolve("big.log"), 300L << 20);
    String quick = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar ";
    assertThat(launch(jdk, "analyze", "-f", small.toString())).startsWith(quick);
    assertThat(launch(jdk, "analyze", "-f", small.toString(), "--gateway-log", big.toString()))
        .startsWith(quick);
    assertThat(launch(jdk, "analyze", "--gateway-log=" + big)).startsWith(quick);
    assertThat(launch(jdk, "operator", big.toString())).startsWith("-jar ");
  }

  @Test
  void bigDumpsGetTheParallelCollectorWhereThereIsMoreThanOneCore(@TempDir Path tmp)
      throws Exception {
    Path jdk = standInJdk(tmp);
    Path dump = sparse(tmp.resolve("dump.json"), 16L << 20);
    Path below = sparse(tmp.resolve("below.json"), (16L << 20) - 1024);
    String quickParallel = "-XX:TieredStopAtLevel=1 -XX:+UseParallelGC -jar ";
    assertThat(launch(jdk, "analyze", "-f", dump.toString())).startsWith(quickParallel);
    assertThat(launch(jdk, "analyze", "--filename", dump.toString())).startsWith(quickParallel);
    assertThat(launch(jdk, "analyze", "-A", "--filename=" + dump)).startsWith(quickParallel);
    assertThat(launch(jdk, "analyze", "-f", below.toString()))
        .startsWith("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar ");
    // one core: nothing to run beside the parse, the serial collector stays
    assertThat(onCores("1", null, jdk, "analyze", "-f", dump.toString()))
        .startsWith("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar ");
    // a gateway log that size is read in parts that make short-lived garbage: serial stays
    assertThat(launch(jdk, "analyze", "--gateway-log", dump.toString()))
        .startsWith("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar ");
    // a big dump and a log over 256 MiB: the quick JIT and the parallel collector
    Path log = sparse(tmp.resolve("big.log"), 300L << 20);
    assertThat(launch(jdk, "analyze", "-f", dump.toString(), "--gateway-log", log.toString()))
        .startsWith(quickParallel);
    // a symlink to a big dump: its target's size counts
    Path link = tmp.resolve("link.json");
    Files.createSymbolicLink(link, dump);
    assertThat(launch(jdk, "analyze", "-f", link.toString())).startsWith(quickParallel);
    // a file named like an option of find is still a file, and only its size counts
    Files.copy(dump, tmp.resolve("!"));
    assertThat(launch(tmp, jdk, "analyze", "-f", "!")).startsWith(quickParallel);
    Files.writeString(tmp.resolve("-size"), "x\n");
    assertThat(launch(tmp, jdk, "analyze", "-f", "-size"))
        .startsWith("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar ");
  }

  static Path standInJdk(Path tmp) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("jdk/bin"));
    Path java = bin.resolve("java");
    Files.writeString(
        java,
        "#!/bin/sh\n"
            + "if [ \"$1\" = -version ]; then echo 'openjdk version \"17.0.15\"' >&2; exit 0; fi\n"
            + "case \"$*\" in *-Xshare:on*) [ -n \"$STANDIN_BAD_ARCHIVE\" ] && exit 1 ;; esac\n"
            + "for a in \"$@\"; do case \"$a\" in -XX:SharedArchiveFile=*)"
            + " [ -f \"${a#*=}\" ] || { echo \"no archive: ${a#*=}\"; exit 9; } ;; esac; done\n"
            + "code=0; prev=''\n"
            + "for a in \"$@\"; do\n"
            + "  case \"$a\" in -XX:ArchiveClassesAtExit=*) echo archive > \"${a#*=}\" ;; esac\n"
            + "  if [ \"$prev\" = --exit ]; then code=\"$a\"; fi; prev=\"$a\"\n"
            + "done\n"
            + "echo \"$@\"\n"
            + "exit \"$code\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return tmp.resolve("jdk");
  }

  static Path sparse(Path file, long size) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size); // sparse: no disk taken
    }
    return file;
  }

  @Test
  void bothLaunchersChooseAlike() throws Exception {
    String dist = Files.readString(DIST);
    String dev = Files.readString(Path.of("bin/gateway-doctor"));
    String choice = dist.substring(dist.indexOf("quick=\"\""), dist.indexOf("exec "));
    assertThat(choice).contains("16383k");
    assertThat(dev).contains(choice);
  }
}
