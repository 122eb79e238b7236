package io.gatewaydoctor.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.gatewaydoctor.model.ObjectLoader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads {@code -f FILE|DIR|-}: a file whatever its name, a directory recursively (its .yaml, .yml
 * and .json files, in name order, hidden ones below it skipped), {@code -} for standard input. Any
 * problem is an {@link InputException} that names the file.
 */
final class InputFiles {
  private InputFiles() {}

  static final class InputException extends Exception {
    InputException(String message) {
      super(message);
    }
  }

  record Loaded(List<HasMetadata> objects, List<Path> files) {}

  static Loaded read(List<Path> paths) throws InputException {
    List<HasMetadata> objects = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (p.toString().equals("-")) {
        files.add(p); // standard input, as kubectl's -f -
        continue;
      }
      if (!Files.exists(p)) {
        throw new InputException(p + ": no such file or directory");
      }
      if (Files.isDirectory(p)) {
        try (Stream<Path> walk = Files.walk(p)) {
          walk.filter(Files::isRegularFile)
              .filter(f -> manifest(p.relativize(f)))
              .sorted()
              .forEach(files::add);
        } catch (IOException | java.io.UncheckedIOException e) {
          throw new InputException(p + ": cannot read the directory: " + e.getMessage());
        }
      } else {
        files.add(p);
      }
    }
    for (Path f : files) {
      boolean stdin = f.toString().equals("-");
      String name = stdin ? "(standard input)" : f.toString();
      String text;
      try {
        text = decode(stdin ? System.in.readAllBytes() : Files.readAllBytes(f));
      } catch (CharacterCodingException e) {
        throw new InputException(
            name + ": not UTF-8 or UTF-16 text (is it a binary or compressed file?)");
      } catch (IOException e) {
        throw new InputException(name + ": cannot read: " + e.getMessage());
      }
      try {
        objects.addAll(ObjectLoader.parse(text, name));
      } catch (ObjectLoader.InvalidInputException e) {
        throw new InputException(e.getMessage());
      }
    }
    return new Loaded(objects, files);
  }

  /**
   * Text as editors and shells write it: UTF-8 (with or without a byte-order mark), or UTF-16 with
   * one (what Windows PowerShell 5 redirects to a file). Anything else is refused, not guessed.
   */
  static String decode(byte[] b) throws CharacterCodingException {
    if (b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf) {
      return strict(StandardCharsets.UTF_8, b, 3);
    }
    if (b.length >= 2 && (b[0] & 0xff) == 0xfe && (b[1] & 0xff) == 0xff) {
      return strict(StandardCharsets.UTF_16BE, b, 2);
    }
    if (b.length >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xfe) {
      return strict(StandardCharsets.UTF_16LE, b, 2);
    }
    return strict(StandardCharsets.UTF_8, b, 0);
  }

  private static String strict(java.nio.charset.Charset cs, byte[] b, int offset)
      throws CharacterCodingException {
    return cs.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(b, offset, b.length - offset))
        .toString();
  }

  /** A manifest below the given directory: hidden files and directories (below it) are skipped. */
  private static boolean manifest(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return false;
      }
    }
    String n = relative.getFileName().toString();
    return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
  }
}
