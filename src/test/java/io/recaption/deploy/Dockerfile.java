package io.recaption.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Enough of a Dockerfile to check it without a Docker daemon: its stages, build arguments, the stages a build
 * uses for given build arguments (following FROM and COPY --from), and a stage's ENV, USER, EXPOSE and
 * ENTRYPOINT/CMD.
 */
final class Dockerfile {

    record Instruction(String keyword, String arguments) {}

    record Stage(String base, String name, List<Instruction> instructions) {

        List<String> arguments(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
        }
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern COPY_FROM = Pattern.compile("--from=(\\S+)");

    private final Map<String, String> globalArgs;
    private final List<Stage> stages;

    private Dockerfile(Map<String, String> globalArgs, List<Stage> stages) {
        this.globalArgs = globalArgs;
        this.stages = stages;
    }

    static Dockerfile parse(String text) {
        Map<String, String> globalArgs = new LinkedHashMap<>();
        List<Stage> stages = new ArrayList<>();
        for (String line : logicalLines(text)) {
            String[] parts = line.split("\\s+", 2);
            String keyword = parts[0].toUpperCase(Locale.ROOT);
            String arguments = parts.length > 1 ? parts[1].strip() : "";
            if (keyword.equals("FROM")) {
                List<String> tokens = new ArrayList<>(List.of(arguments.split("\\s+")));
                tokens.removeIf(t -> t.startsWith("--"));
                String name = tokens.size() >= 3 && tokens.get(1).equalsIgnoreCase("AS") ? tokens.get(2) : null;
                stages.add(new Stage(tokens.get(0), name, new ArrayList<>()));
            } else if (stages.isEmpty()) {
                if (!keyword.equals("ARG")) {
                    throw new IllegalArgumentException("only ARG may come before the first FROM: " + line);
                }
                String[] arg = arguments.split("=", 2);
                globalArgs.put(arg[0], arg.length > 1 ? unquote(arg[1]) : null);
            } else {
                stages.get(stages.size() - 1).instructions().add(new Instruction(keyword, arguments));
            }
        }
        return new Dockerfile(globalArgs, stages);
    }

    /** Instructions with continuation lines joined; comments (and parser directives) and blank lines dropped. */
    private static List<String> logicalLines(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            lines.add(current.toString().strip());
            current.setLength(0);
        }
        if (current.length() > 0) {
            lines.add(current.toString().strip());
        }
        return lines;
    }

    Map<String, String> globalArgs() {
        return globalArgs;
    }

    List<Stage> stages() {
        return stages;
    }

    Optional<Stage> stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name())).findFirst();
    }

    Stage last() {
        return stages.get(stages.size() - 1);
    }

    /**
     * The stages a build with {@code buildArgs} runs for the last stage, by name, following FROM and COPY --from
     * through global build arguments. A FROM that names no earlier stage must look like an image (registry,
     * tag or "scratch"); a COPY --from must name an earlier stage.
     */
    Set<String> stagesUsed(Map<String, String> buildArgs) {
        Map<String, String> args = new LinkedHashMap<>(globalArgs);
        args.putAll(buildArgs);
        Set<String> used = new LinkedHashSet<>();
        Deque<Stage> pending = new ArrayDeque<>(List.of(last()));
        while (!pending.isEmpty()) {
            Stage stage = pending.pop();
            if (stage.name() != null && !used.add(stage.name())) {
                continue;
            }
            List<String> references = new ArrayList<>();
            String base = expand(stage.base(), args);
            if (stage(base).isPresent()) {
                references.add(base);
            } else if (!base.equals("scratch") && !base.contains(":") && !base.contains("/")) {
                throw new IllegalStateException("FROM " + stage.base() + " → " + base + " is neither an earlier stage nor an image");
            }
            for (String copy : stage.arguments("COPY")) {
                Matcher from = COPY_FROM.matcher(copy);
                if (from.find()) {
                    String name = expand(from.group(1), args);
                    if (stage(name).isEmpty()) {
                        throw new IllegalStateException("COPY --from=" + name + " names no stage");
                    }
                    references.add(name);
                }
            }
            for (String name : references) {
                Stage referenced = stage(name).orElseThrow();
                if (stages.indexOf(referenced) >= stages.indexOf(stage)) {
                    throw new IllegalStateException("stage " + stage.name() + " uses " + name + ", which is defined after it");
                }
                pending.push(referenced);
            }
        }
        return used;
    }

    /**
     * The ENV a stage sets, with build arguments expanded: a stage's ARG takes its own default, else the global
     * default, and a build argument overrides both.
     */
    Map<String, String> env(Stage stage, Map<String, String> buildArgs) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> env = new LinkedHashMap<>();
        for (Instruction instruction : stage.instructions()) {
            if (instruction.keyword().equals("ARG")) {
                String[] arg = instruction.arguments().split("=", 2);
                String value = buildArgs.containsKey(arg[0]) ? buildArgs.get(arg[0])
                        : arg.length > 1 ? unquote(arg[1]) : globalArgs.get(arg[0]);
                values.put(arg[0], value == null ? "" : value);
            } else if (instruction.keyword().equals("ENV")) {
                for (String token : tokens(instruction.arguments())) {
                    String[] pair = token.split("=", 2);
                    if (pair.length != 2) {
                        throw new IllegalArgumentException("ENV without KEY=VALUE form: " + instruction.arguments());
                    }
                    Map<String, String> scope = new LinkedHashMap<>(values);
                    scope.putAll(env);
                    env.put(pair[0], expand(pair[1], scope));
                }
            }
        }
        return env;
    }

    /** The exec-form (JSON array) arguments of the last ENTRYPOINT or CMD of a stage. */
    static List<String> execForm(Stage stage, String keyword) {
        List<String> all = stage.arguments(keyword);
        if (all.isEmpty()) {
            return List.of();
        }
        try {
            return List.of(new ObjectMapper().readValue(all.get(all.size() - 1), String[].class));
        } catch (IOException e) {
            throw new UncheckedIOException(keyword + " is not in exec form: " + all.get(all.size() - 1), e);
        }
    }

    static String expand(String text, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(name, "")));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Whitespace-separated tokens; double quotes group and are removed. */
    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (current.length() > 0) {
                    tokens.add(current.toString());
                    current.setLength(0);
                }
            } else {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            tokens.add(current.toString());
        }
        return tokens;
    }

    private static String unquote(String value) {
        String v = value.strip();
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }
}
