package dev.sockpuppet.samples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every Java sample in the README is code that a test in this module runs. */
class ReadmeTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);

  @Test
  void everyJavaSampleInTheReadmeIsASampleTest() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    String readme = Files.readString(root.resolve("README.md"));
    String tests = normalize(allTestSources(root.resolve("samples/src/test/java")));
    List<String> blocks = new ArrayList<>();
    Matcher matcher = JAVA_BLOCK.matcher(readme);
    while (matcher.find()) {
      blocks.add(matcher.group(1));
    }
    assertFalse(blocks.isEmpty(), "the README shows Java samples");
    for (String block : blocks) {
      assertTrue(tests.contains(normalize(block)), "this README sample is not in samples/src/test/java:\n" + block);
    }
  }

  private static String allTestSources(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      List<Path> sources = files.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
      StringBuilder all = new StringBuilder();
      for (Path source : sources) {
        all.append(Files.readString(source)).append('\n');
      }
      return all.toString();
    }
  }

  /** Compares code whatever its indentation: each line trimmed, blank lines dropped. */
  private static String normalize(String code) {
    return code.lines().map(String::strip).filter(line -> !line.isEmpty()).collect(Collectors.joining("\n"));
  }
}
