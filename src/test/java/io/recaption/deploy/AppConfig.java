package io.recaption.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code application.properties} as the worker's {@code serve} command sees it: the default profile with
 * {@code %prod.} overrides (other profiles ignored), plus the keys and defaults of the application's
 * {@code @ConfigMapping} interfaces where known; MicroProfile Config's environment-variable names, and
 * {@code ${key}} / {@code ${key:default}} expansion.
 */
final class AppConfig {

    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}");
    private static final int MAX_EXPANSION_DEPTH = 16;

    private final Map<String, String> properties;
    /** Keys read through @ConfigMapping → their @WithDefault (null: none). */
    private final Map<String, String> mapped;

    private AppConfig(Map<String, String> properties, Map<String, String> mapped) {
        this.properties = Collections.unmodifiableMap(properties);
        this.mapped = Collections.unmodifiableMap(mapped);
    }

    static AppConfig load(Path file) {
        Properties raw = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            raw.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> effective = new TreeMap<>();
        Map<String, String> prod = new TreeMap<>();
        for (String key : raw.stringPropertyNames()) {
            String value = raw.getProperty(key);
            if (key.startsWith("%prod.")) {
                prod.put(key.substring("%prod.".length()), value);
            } else if (!key.startsWith("%")) {
                effective.put(key, value);
            }
        }
        effective.putAll(prod);
        return new AppConfig(effective, Map.of());
    }

    /** This configuration plus the keys (→ defaults) a @ConfigMapping reads; see {@link ConfigMappingKeys}. */
    AppConfig withMapping(Map<String, String> keys) {
        Map<String, String> all = new TreeMap<>(mapped);
        all.putAll(keys);
        return new AppConfig(properties, all);
    }

    /** Whether the application's @ConfigMapping keys are known (the worker's classes are compiled). */
    boolean hasMapping() {
        return !mapped.isEmpty();
    }

    /** MicroProfile Config's environment-variable form: every non-alphanumeric character becomes '_', upper case. */
    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** Keys in application.properties and keys read through @ConfigMapping. */
    Set<String> keys() {
        Set<String> all = new TreeSet<>(properties.keySet());
        all.addAll(mapped.keySet());
        return all;
    }

    Optional<String> property(String key) {
        return Optional.ofNullable(properties.get(key));
    }

    /** The known key whose environment-variable form is {@code envName}, if any. */
    Optional<String> keyForEnv(String envName) {
        return keys().stream().filter(key -> envName(key).equals(envName)).findFirst();
    }

    /**
     * The value the application reads for {@code key} when {@code env} is its environment: an environment
     * variable wins over the property, the property over the mapping's default; expressions are expanded.
     */
    Optional<String> resolve(String key, Map<String, String> env) {
        return resolve(key, env, 0);
    }

    private Optional<String> resolve(String key, Map<String, String> env, int depth) {
        if (depth > MAX_EXPANSION_DEPTH) {
            throw new IllegalStateException("expression cycle while expanding " + key);
        }
        String value = env.containsKey(envName(key)) ? env.get(envName(key))
                : properties.containsKey(key) ? properties.get(key) : mapped.get(key);
        if (value == null) {
            return Optional.empty();
        }
        Matcher matcher = EXPRESSION.matcher(value);
        StringBuilder expanded = new StringBuilder();
        while (matcher.find()) {
            String inner = resolve(matcher.group(1), env, depth + 1)
                    .or(() -> Optional.ofNullable(matcher.group(2)))
                    .orElseThrow(() -> new IllegalStateException(
                            key + " refers to " + matcher.group(1) + ", which has no value and no default"));
            matcher.appendReplacement(expanded, Matcher.quoteReplacement(inner));
        }
        matcher.appendTail(expanded);
        return Optional.of(expanded.toString());
    }
}
