package dev.cync.canary.cli;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table for the CLI: left-aligned columns two spaces apart, the first row the heading. */
final class Table {

    private Table() {}

    /** The rows, each cell padded to its column's widest; trailing spaces trimmed. */
    static String render(List<List<String>> rows) {
        List<Integer> widths = new ArrayList<>();
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                if (widths.size() <= i) {
                    widths.add(0);
                }
                widths.set(i, Math.max(widths.get(i), row.get(i).length()));
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == 0 ? "" : "  ")
                        .append(row.get(i))
                        .append(" ".repeat(widths.get(i) - row.get(i).length()));
            }
            b.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return b.toString();
    }
}
