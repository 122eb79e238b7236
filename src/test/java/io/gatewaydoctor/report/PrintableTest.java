package io.gatewaydoctor.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** What reaches a terminal: no control characters, no text that reorders or hides itself. */
class PrintableTest {
  @Test
  void controlsAndInvisiblesAreShownNotObeyed() {
    assertThat(Printable.safe("ok\tline\n")).isEqualTo("ok\tline\n");
    assertThat(Printable.safe("a\u001b[31mred\u0007")).isEqualTo("a\\x1b[31mred\\x07");
    assertThat(Printable.safe("x\u009b2J")).isEqualTo("x\\x9b2J");
    assertThat(Printable.safe("admin\u202egnp.exe")).isEqualTo("admin\\u202egnp.exe");
    assertThat(Printable.safe("a\u200bb\u2066c\u2069\ufeff"))
        .isEqualTo("a\\u200bb\\u2066c\\u2069\\ufeff");
    assertThat(Printable.safe("päth ümlaut")).isEqualTo("päth ümlaut");
    StringWriter sink = new StringWriter();
    var w = Printable.writer(sink);
    w.print("analyze: cannot read \u001b]0;x\u0007");
    w.println('\u202e');
    w.flush();
    assertThat(sink.toString())
        .isEqualTo("analyze: cannot read \\x1b]0;x\\x07\\u202e" + System.lineSeparator());
  }
}
