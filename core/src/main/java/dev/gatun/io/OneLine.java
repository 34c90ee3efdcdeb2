package dev.gatun.io;

/**
 * Text from a file, made safe for a one-line message: names and values quoted from a file may
 * hold line breaks or terminal control characters, which would split the message or drive the
 * terminal it is printed on.
 */
public final class OneLine {
    private OneLine() {}

    /**
     * {@code text} with line breaks spelled {@code \n} and {@code \r}, and every other control
     * character and line separator as {@code \}{@code uXXXX}; tabs stay.
     *
     * @param text any text, or null
     * @return the text on one line ({@code "null"} for null)
     */
    public static String of(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escaped = switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> null;
                default -> c < 0x20 || c == 0x7f || c == '\u0085' || c == '\u2028' || c == '\u2029'
                        ? String.format("\\u%04x", (int) c) : null;
            };
            if (escaped != null && sb == null) {
                sb = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (sb != null) {
                if (escaped != null) {
                    sb.append(escaped);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? text : sb.toString();
    }
}
