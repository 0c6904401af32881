package io.recaption.deploy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The property names a {@code @ConfigMapping} interface reads, with their {@code @WithDefault} values, found by
 * reflection over the application's compiled classes: the keys the worker understands beyond those that
 * application.properties spells out.
 */
final class ConfigMappingKeys {

    private ConfigMappingKeys() {}

    /** Every mapped key (→ its default, or null) of every @ConfigMapping under target/classes/io/recaption. */
    static Map<String, String> ofApplication(Path classes) {
        Map<String, String> keys = new LinkedHashMap<>();
        Path root = classes.resolve("io/recaption");
        if (!Files.isDirectory(root)) {
            return keys;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().contains("$")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, ConfigMappingKeys.class.getClassLoader());
                ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
                if (mapping != null) {
                    keys.putAll(of(type, mapping.prefix()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return keys;
    }

    /** The keys of one mapping interface (SmallRye's default kebab-case naming), under {@code prefix}. */
    static Map<String, String> of(Class<?> mapping, String prefix) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (Method method : mapping.getMethods()) {
            if (method.getParameterCount() > 0 || method.isDefault() || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            String segment = method.isAnnotationPresent(WithParentName.class) ? ""
                    : method.isAnnotationPresent(WithName.class) ? method.getAnnotation(WithName.class).value()
                    : kebab(method.getName());
            String key = segment.isEmpty() ? prefix : prefix + "." + segment;
            Optional<Class<?>> group = group(method.getGenericReturnType());
            if (group.isPresent()) {
                keys.putAll(of(group.get(), key));
            } else {
                WithDefault fallback = method.getAnnotation(WithDefault.class);
                keys.put(key, fallback == null ? null : fallback.value());
            }
        }
        return keys;
    }

    /** The nested mapping interface a method returns (directly or in an Optional), if it returns one. */
    private static Optional<Class<?>> group(Type type) {
        if (type instanceof Class<?> c) {
            return c.isInterface() && !c.getName().startsWith("java.") ? Optional.of(c) : Optional.empty();
        }
        if (type instanceof ParameterizedType p && p.getRawType() == Optional.class) {
            return group(p.getActualTypeArguments()[0]);
        }
        return Optional.empty();
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
