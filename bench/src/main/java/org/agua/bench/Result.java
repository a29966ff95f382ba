package org.agua.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of the results: which scenario and case ({@code row}, the same text for every target so
 * rows can be matched), the headline figure with its unit and whether higher or lower is better,
 * whether the bar was met where that does not depend on the peer ({@code null}: it does,
 * or cannot be judged), and every other measured figure as a field of the JSON line.
 */
final class Result {

    final String scenario;
    final String row;
    Double headline;
    String unit = "";
    boolean higherIsBetter = true;
    Boolean barMet;
    String bar = "";
    String details = "";
    final Map<String, Object> fields = new LinkedHashMap<>();

    Result(String scenario, String row) {
        this.scenario = scenario;
        this.row = row;
    }

    Result headline(Double value, String unit, boolean higherIsBetter) {
        this.headline = value;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
        return this;
    }

    Result put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    Result bar(String text, Boolean met) {
        this.bar = text;
        this.barMet = met;
        return this;
    }

    Result details(String text) {
        this.details = text;
        return this;
    }

    /** The JSON object of this result, with the context fields (target, date, machine, ...) first. */
    Map<String, Object> toMap(Map<String, Object> context) {
        Map<String, Object> m = new LinkedHashMap<>(context);
        m.put("scenario", scenario);
        m.put("row", row);
        m.put("headline", headline);
        m.put("unit", unit);
        m.put("better", higherIsBetter ? "higher" : "lower");
        m.put("bar", bar);
        m.put("bar_met", barMet);
        m.put("details", details);
        m.putAll(fields);
        return m;
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
