package org.agua.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Just enough JSON for the results file: writes maps, lists, strings, numbers, booleans; reads them back. */
final class Json {

    private Json() {}

    static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value);
        return b.toString();
    }

    private static void write(StringBuilder b, Object value) {
        if (value == null) {
            b.append("null");
        } else if (value instanceof Map<?, ?> map) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                string(b, String.valueOf(e.getKey()));
                b.append(':');
                write(b, e.getValue());
            }
            b.append('}');
        } else if (value instanceof List<?> list) {
            b.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                write(b, list.get(i));
            }
            b.append(']');
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                b.append("null");
            } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                b.append((long) d);
            } else {
                b.append(String.format(java.util.Locale.ROOT, "%.3f", d));
            }
        } else if (value instanceof Number || value instanceof Boolean) {
            b.append(value);
        } else {
            string(b, value.toString());
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** Parses one JSON value (objects become LinkedHashMaps, numbers Doubles). */
    static Object read(String text) {
        Reader r = new Reader(text);
        Object v = r.value();
        r.skip();
        if (r.at < text.length()) {
            throw new IllegalArgumentException("trailing text at " + r.at);
        }
        return v;
    }

    private static final class Reader {
        private final String s;
        private int at;

        Reader(String s) {
            this.s = s;
        }

        void skip() {
            while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
                at++;
            }
        }

        Object value() {
            skip();
            char c = s.charAt(at);
            switch (c) {
                case '{' -> {
                    at++;
                    Map<String, Object> map = new LinkedHashMap<>();
                    skip();
                    if (s.charAt(at) == '}') {
                        at++;
                        return map;
                    }
                    while (true) {
                        skip();
                        String key = (String) value();
                        skip();
                        expect(':');
                        map.put(key, value());
                        skip();
                        if (s.charAt(at) == ',') {
                            at++;
                        } else {
                            expect('}');
                            return map;
                        }
                    }
                }
                case '[' -> {
                    at++;
                    List<Object> list = new ArrayList<>();
                    skip();
                    if (s.charAt(at) == ']') {
                        at++;
                        return list;
                    }
                    while (true) {
                        list.add(value());
                        skip();
                        if (s.charAt(at) == ',') {
                            at++;
                        } else {
                            expect(']');
                            return list;
                        }
                    }
                }
                case '"' -> {
                    at++;
                    StringBuilder b = new StringBuilder();
                    while (s.charAt(at) != '"') {
                        char ch = s.charAt(at++);
                        if (ch == '\\') {
                            char e = s.charAt(at++);
                            switch (e) {
                                case 'n' -> b.append('\n');
                                case 'r' -> b.append('\r');
                                case 't' -> b.append('\t');
                                case 'u' -> {
                                    b.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                                    at += 4;
                                }
                                default -> b.append(e);
                            }
                        } else {
                            b.append(ch);
                        }
                    }
                    at++;
                    return b.toString();
                }
                default -> {
                    if (s.startsWith("true", at)) {
                        at += 4;
                        return Boolean.TRUE;
                    }
                    if (s.startsWith("false", at)) {
                        at += 5;
                        return Boolean.FALSE;
                    }
                    if (s.startsWith("null", at)) {
                        at += 4;
                        return null;
                    }
                    int start = at;
                    while (at < s.length() && "+-0123456789.eE".indexOf(s.charAt(at)) >= 0) {
                        at++;
                    }
                    return Double.parseDouble(s.substring(start, at));
                }
            }
        }

        void expect(char c) {
            if (s.charAt(at) != c) {
                throw new IllegalArgumentException("expected " + c + " at " + at);
            }
            at++;
        }
    }
}
