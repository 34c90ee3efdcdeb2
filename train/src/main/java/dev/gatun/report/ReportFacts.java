package dev.gatun.report;

import java.net.InetAddress;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * When, with which Gatun and on which machine a report was written, for its facts table: a report
 * read weeks later, or on another machine, says where its numbers come from.
 */
final class ReportFacts {
    private ReportFacts() {}

    /** {@return the facts: date (UTC), Gatun's version, the machine (host, OS, cores) and Java} */
    static Map<String, String> now() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("report date", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME
                .withLocale(Locale.ROOT)).replaceFirst("\\.\\d+$", "") + " UTC");
        facts.put("gatun version", version());
        facts.put("machine", host() + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores");
        facts.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        return facts;
    }

    /** The train module's version from the pom.properties Maven puts in its jar; classes outside a jar have none. */
    private static String version() {
        try (java.io.InputStream in = ReportFacts.class.getResourceAsStream(
                "/META-INF/maven/dev.gatun/gatun-train/pom.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        String implementation = ReportFacts.class.getPackage().getImplementationVersion();
        return implementation == null ? "development build (classes, no jar)" : implementation;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | SecurityException e) {
            return "unknown host";
        }
    }
}
