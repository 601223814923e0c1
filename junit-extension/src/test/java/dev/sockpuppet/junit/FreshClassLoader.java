package dev.sockpuppet.junit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Loads a fixture class (and the classes nested in it) anew, delegating everything else. Each run
 * of a fixture thus gets fresh static fields (its static fakes, latches and counters), so runs
 * cannot see each other's, and repeated runs also prove that the extension keeps no state of its
 * own. Tests that are about running the same class object again load it once and reuse it.
 *
 * <p>Only the fixture's own nest is loaded anew; its enclosing test class is not. So code in a
 * fixture must not touch private members of other classes of the nest (nestmate access fails
 * across loaders), and must not ask for its enclosing class.
 */
final class FreshClassLoader extends ClassLoader {
  static {
    registerAsParallelCapable();
  }

  private final String prefix;

  private FreshClassLoader(Class<?> fixture) {
    super(fixture.getClassLoader());
    this.prefix = fixture.getName();
  }

  /** A fresh copy of {@code fixture}. */
  static Class<?> fresh(Class<?> fixture) {
    try {
      return new FreshClassLoader(fixture).loadClass(fixture.getName());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (!name.equals(prefix) && !name.startsWith(prefix + "$")) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> loaded = findLoadedClass(name);
      if (loaded == null) {
        String resource = name.replace('.', '/') + ".class";
        try (InputStream in = getParent().getResourceAsStream(resource)) {
          if (in == null) {
            throw new ClassNotFoundException(name);
          }
          byte[] bytes = in.readAllBytes();
          loaded = defineClass(name, bytes, 0, bytes.length);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      if (resolve) {
        resolveClass(loaded);
      }
      return loaded;
    }
  }
}
