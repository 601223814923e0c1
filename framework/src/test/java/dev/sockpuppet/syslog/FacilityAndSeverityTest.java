package dev.sockpuppet.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FacilityAndSeverityTest {
  @Test
  void facilityCodesAndKeywords() {
    assertEquals(
        "0 kern, 1 user, 2 mail, 3 daemon, 4 auth, 5 syslog, 6 lpr, 7 news, 8 uucp, 9 cron, 10 authpriv, 11 ftp, 12 ntp, 13 audit, "
            + "14 alert, 15 clock, 16 local0, 17 local1, 18 local2, 19 local3, 20 local4, 21 local5, 22 local6, 23 local7",
        Arrays.stream(Facility.values()).map(f -> f.code() + " " + f.keyword()).collect(Collectors.joining(", ")));
    for (Facility facility : Facility.values()) {
      assertEquals(facility, Facility.of(facility.code()));
      assertEquals(facility, Facility.ofKeyword(facility.keyword()));
      assertEquals(facility, Facility.ofKeyword(facility.name()));
    }
    assertEquals(Facility.AUDIT, Facility.ofKeyword("security"));
    assertEquals(Facility.CLOCK, Facility.ofKeyword("cron2"));
  }

  @Test
  void severityCodesAndKeywords() {
    assertEquals(
        List.of("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"),
        Arrays.stream(Severity.values()).map(Severity::keyword).collect(Collectors.toList()));
    for (Severity severity : Severity.values()) {
      assertEquals(severity, Severity.of(severity.code()));
      assertEquals(severity, Severity.ofKeyword(severity.keyword()));
      assertEquals(severity, Severity.ofKeyword(severity.name()));
    }
    assertEquals(Severity.EMERGENCY, Severity.ofKeyword("panic"));
    assertEquals(Severity.ERROR, Severity.ofKeyword("error"));
    assertEquals(Severity.WARNING, Severity.ofKeyword("WARN"));
  }

  @Test
  void outOfRangeAndUnknownNamesFailClearly() {
    assertEquals("syslog facility code must be 0 (kern) to 23 (local7), got 24", assertThrows(IllegalArgumentException.class, () -> Facility.of(24)).getMessage());
    assertEquals("syslog facility code must be 0 (kern) to 23 (local7), got -1", assertThrows(IllegalArgumentException.class, () -> Facility.of(-1)).getMessage());
    assertEquals("syslog severity code must be 0 (emerg) to 7 (debug), got 8", assertThrows(IllegalArgumentException.class, () -> Severity.of(8)).getMessage());
    assertEquals(
        "no syslog facility is named \"locl0\"; the names are kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, ntp, audit, alert, clock, local0, local1, local2, local3, local4, local5, local6, local7",
        assertThrows(IllegalArgumentException.class, () -> Facility.ofKeyword("locl0")).getMessage());
    assertEquals(
        "no syslog severity is named \"fatal\"; the names are emerg, alert, crit, err, warning, notice, info, debug",
        assertThrows(IllegalArgumentException.class, () -> Severity.ofKeyword("fatal")).getMessage());
  }
}
