package dev.gatun.report;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A self-contained HTML document built top to bottom: inline CSS, images embedded as base64
 * {@code data:} URIs, no scripts and no links to fetch, so one file opens offline and can be
 * shared as is. Every string passed in is escaped here; callers never write raw markup.
 */
final class HtmlPage {
    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em auto;max-width:1100px;\
            padding:0 1em;color:#222}
            h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
            .table-wrap{max-width:100%;overflow-x:auto;margin:.6em 0}
            table{border-collapse:collapse;font-size:.9em}
            th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right;white-space:nowrap}
            th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
            tr.best td{background:#e8f5e9;font-weight:600}
            pre{background:#f7f7f7;border:1px solid #ddd;padding:.8em;overflow:auto;font-size:.85em}
            img{max-width:100%;height:auto;border:1px solid #eee;margin:.4em 0}
            .figures{display:flex;flex-wrap:wrap;gap:.6em;align-items:flex-start}
            """;

    private final StringBuilder body = new StringBuilder();
    private final String title;
    private boolean inFigures;

    HtmlPage(String title) {
        this.title = title;
        heading(1, title);
    }

    /** {@code s} with the five characters that are markup in text and attribute values escaped. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    HtmlPage heading(int level, String text) {
        endFigures();
        body.append("<h").append(level).append('>').append(escape(text)).append("</h").append(level).append(">\n");
        return this;
    }

    HtmlPage paragraph(String text) {
        endFigures();
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    /** Preformatted text, e.g. a config file verbatim. */
    HtmlPage preformatted(String text) {
        endFigures();
        body.append("<pre>").append(escape(text)).append("</pre>\n");
        return this;
    }

    /** A two-column table of names and values. */
    HtmlPage facts(Map<String, String> facts) {
        return table(List.of("name", "value"), facts.entrySet().stream()
                .map(e -> List.of(e.getKey(), e.getValue())).toList(), -1);
    }

    /** A table with a header row; the row at {@code highlighted} (or none, if -1) is marked as the best. */
    HtmlPage table(List<String> header, List<List<String>> rows, int highlighted) {
        endFigures();
        // A table wider than the page (many columns, long run names) scrolls in its own box.
        body.append("<div class=\"table-wrap\"><table>\n<tr>");
        for (String h : header) {
            body.append("<th>").append(escape(h)).append("</th>");
        }
        body.append("</tr>\n");
        for (int r = 0; r < rows.size(); r++) {
            body.append(r == highlighted ? "<tr class=\"best\">" : "<tr>");
            for (String cell : rows.get(r)) {
                body.append("<td>").append(escape(cell)).append("</td>");
            }
            body.append("</tr>\n");
        }
        body.append("</table></div>\n");
        return this;
    }

    /** A PNG embedded in the page; consecutive images are laid out side by side. */
    HtmlPage image(String alt, byte[] png) {
        if (!inFigures) {
            body.append("<div class=\"figures\">\n");
            inFigures = true;
        }
        body.append("<img alt=\"").append(escape(alt)).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\">\n");
        return this;
    }

    private void endFigures() {
        if (inFigures) {
            body.append("</div>\n");
            inFigures = false;
        }
    }

    /** The complete document as UTF-8. */
    byte[] bytes() {
        endFigures();
        String html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title)
                + "</title>\n<style>\n" + STYLE + "</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
        return html.getBytes(StandardCharsets.UTF_8);
    }
}
