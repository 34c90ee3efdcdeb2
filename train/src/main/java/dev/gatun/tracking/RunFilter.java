package dev.gatun.tracking;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * {@code gatun runs --where}: a small expression over a run's columns ({@link RunColumns}),
 * evaluated in Java, never spliced into SQL.
 *
 * <pre>
 * expr       := or
 * or         := and ( "or" and )*
 * and        := not ( "and" not )*
 * not        := "not" not | "(" expr ")" | comparison
 * comparison := COLUMN op VALUE | COLUMN "is" ["not"] "null"
 * op         := "=" | "==" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=" | "~"   (~: contains)
 * VALUE      := a number | 'text' | "text" | a bare word
 * </pre>
 *
 * <p>Example: {@code optimizer.lr < 0.01 and val_accuracy > 0.9 and status = finished}. A number
 * compares numerically with a numeric column, text compares as text; a run without the column
 * fails every comparison but {@code is null} and {@code !=}.
 */
public final class RunFilter {
    private final List<String> tokens;
    private final String text;
    private int at;

    private RunFilter(String text, List<String> tokens) {
        this.text = text;
        this.tokens = tokens;
    }

    /** A test of one run at a given time. */
    @FunctionalInterface
    public interface Condition {
        /**
         * Whether {@code run} passes.
         *
         * @param run the run
         * @param now the time to judge heartbeats at
         * @return whether it passes
         */
        boolean test(TrackedRun run, Instant now);

        /**
         * This condition at a fixed time.
         *
         * @param now the time
         * @return the predicate
         */
        default Predicate<TrackedRun> at(Instant now) {
            return r -> test(r, now);
        }
    }

    /**
     * Parses {@code expression}.
     *
     * @param expression the filter, e.g. {@code optimizer.lr < 0.01 and val_accuracy > 0.9}
     * @return the condition; blank: every run passes
     * @throws IllegalArgumentException saying where the expression is malformed
     */
    public static Condition parse(String expression) {
        if (expression == null || expression.isBlank()) {
            return (r, now) -> true;
        }
        RunFilter p = new RunFilter(expression, tokenize(expression));
        Condition c = p.or();
        if (p.at < p.tokens.size()) {
            throw p.error("unexpected '" + p.tokens.get(p.at) + "'");
        }
        return c;
    }

    private Condition or() {
        Condition left = and();
        while (word("or")) {
            Condition l = left;
            Condition r = and();
            left = (run, now) -> l.test(run, now) || r.test(run, now);
        }
        return left;
    }

    private Condition and() {
        Condition left = not();
        while (word("and")) {
            Condition l = left;
            Condition r = not();
            left = (run, now) -> l.test(run, now) && r.test(run, now);
        }
        return left;
    }

    private Condition not() {
        if (word("not")) {
            Condition inner = not();
            return (run, now) -> !inner.test(run, now);
        }
        if (peek("(")) {
            at++;
            Condition inner = or();
            if (!peek(")")) {
                throw error("missing ')'");
            }
            at++;
            return inner;
        }
        return comparison();
    }

    private Condition comparison() {
        String column = next("a column name");
        if (!column.matches("[A-Za-z_][A-Za-z0-9_.\\[\\]-]*")) {
            throw error("expected a column name, got '" + column + "'");
        }
        if (word("is")) {
            boolean negated = word("not");
            if (!word("null")) {
                throw error("expected 'null' after 'is'");
            }
            return (run, now) -> (RunColumns.value(run, column, now) == null) != negated;
        }
        String op = next("an operator after '" + column + "'");
        if (!List.of("=", "==", "!=", "<", "<=", ">", ">=", "~").contains(op)) {
            throw error("unknown operator '" + op + "' after '" + column + "' (known: = != < <= > >= ~)");
        }
        String raw = next("a value after '" + column + " " + op + "'");
        boolean quoted = raw.startsWith("'") || raw.startsWith("\"");
        String value = quoted ? raw.substring(1, raw.length() - 1) : raw;
        Double number = quoted ? null : number(value);
        return (run, now) -> compare(RunColumns.value(run, column, now), op, value, number);
    }

    private static boolean compare(Object actual, String op, String value, Double number) {
        if (actual == null) {
            return op.equals("!=");
        }
        if (op.equals("~")) {
            return RunColumns.text(actual).toLowerCase(Locale.ROOT).contains(value.toLowerCase(Locale.ROOT));
        }
        int c;
        if (actual instanceof Double d && number != null) {
            if (d.isNaN()) {
                return op.equals("!=");
            }
            c = Double.compare(d, number);
        } else {
            c = (actual instanceof Double d ? RunColumns.text(d) : actual.toString()).compareTo(value);
        }
        return switch (op) {
            case "=", "==" -> c == 0;
            case "!=" -> c != 0;
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            default -> c >= 0;
        };
    }

    private static Double number(String s) {
        if (!s.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
            return null;
        }
        return Double.parseDouble(s);
    }

    private boolean word(String w) {
        if (at < tokens.size() && tokens.get(at).equalsIgnoreCase(w)) {
            at++;
            return true;
        }
        return false;
    }

    private boolean peek(String t) {
        return at < tokens.size() && tokens.get(at).equals(t);
    }

    private String next(String what) {
        if (at >= tokens.size()) {
            throw error("expected " + what + " at the end");
        }
        return tokens.get(at++);
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException("--where '" + text + "': " + message);
    }

    private static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')' || c == '~') {
                out.add(String.valueOf(c));
                i++;
            } else if (c == '\'' || c == '"') {
                int end = s.indexOf(c, i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("--where '" + s + "': unclosed quote at " + (i + 1));
                }
                out.add(s.substring(i, end + 1));
                i = end + 1;
            } else if ("<>=!".indexOf(c) >= 0) {
                int end = i + 1;
                if (end < s.length() && s.charAt(end) == '=') {
                    end++;
                }
                String op = s.substring(i, end);
                if (op.equals("!")) {
                    throw new IllegalArgumentException("--where '" + s + "': '!' must be followed by '=' (at " + (i + 1)
                            + ")");
                }
                out.add(op);
                i = end;
            } else {
                int end = i;
                while (end < s.length() && !Character.isWhitespace(s.charAt(end)) && "()<>=!~'\"".indexOf(s.charAt(end)) < 0) {
                    end++;
                }
                out.add(s.substring(i, end));
                i = end;
            }
        }
        return out;
    }
}
