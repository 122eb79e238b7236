package io.gatewaydoctor.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.gatewaydoctor.model.ObjectLoader;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads {@code -f FILE|DIR}: a file whatever its name, a directory recursively (its .yaml, .yml and
 * .json files, in name order, hidden ones skipped). Any problem is an {@link InputException} that
 * names the file.
 */
final class InputFiles {
  private InputFiles() {}

  static final class InputException extends Exception {
    InputException(String message) { super(message); }
  }

  record Loaded(List<HasMetadata> objects, List<Path> files) {}

  static Loaded read(List<Path> paths) throws InputException {
    List<HasMetadata> objects = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (!Files.exists(p)) {
        throw new InputException(p + ": no such file or directory");
      }
      if (Files.isDirectory(p)) {
        try (Stream<Path> walk = Files.walk(p)) {
          walk.filter(Files::isRegularFile).filter(InputFiles::manifest).sorted().forEach(files::add);
        } catch (IOException | java.io.UncheckedIOException e) {
          throw new InputException(p + ": cannot read the directory: " + e.getMessage());
        }
      } else {
        files.add(p);
      }
    }
    for (Path f : files) {
      String text;
      try {
        text = Files.readString(f);
      } catch (MalformedInputException e) {
        throw new InputException(f + ": not UTF-8 text (is it a binary or compressed file?)");
      } catch (IOException e) {
        throw new InputException(f + ": cannot read: " + e.getMessage());
      }
      try {
        objects.addAll(ObjectLoader.parse(text, f.toString()));
      } catch (ObjectLoader.InvalidInputException e) {
        throw new InputException(e.getMessage());
      }
    }
    return new Loaded(objects, files);
  }

  private static boolean manifest(Path f) {
    String n = f.getFileName().toString();
    if (n.startsWith(".")) {
      return false;
    }
    for (Path part : f) {
      if (part.toString().startsWith(".") && part.toString().length() > 1 && !part.toString().equals("..")) {
        return false;
      }
    }
    return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
  }
}
