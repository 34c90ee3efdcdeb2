package dev.gatun.io;

/** JSON string literals, written one way everywhere Gatun writes JSON. */
public final class JsonStrings {
    private JsonStrings() {}

    /**
     * {@code s} as a quoted JSON string. Control characters are escaped (short forms where JSON
     * has them). With {@code escapeLineSeparators}, U+2028/U+2029 are escaped too, because they
     * break JavaScript that embeds the JSON; safetensors headers leave them raw, as the
     * reference (serde_json) does, so our files stay byte-identical to its.
     *
     * @param s the string
     * @param escapeLineSeparators whether to escape U+2028 and U+2029 as well
     * @return the JSON string literal, quotes included
     */
    public static String quote(String s, boolean escapeLineSeparators) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || (escapeLineSeparators && (c == '\u2028' || c == '\u2029'))) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
