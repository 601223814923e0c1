package dev.sockpuppet.junit.internal;

import dev.sockpuppet.Fake;

/**
 * A started fake the extension looks after.
 *
 * @param name its name for injection and transcript files
 * @param fake the fake
 * @param origin the annotation or field it came from, for messages
 * @param injectable whether parameters may receive it (annotation-declared fakes yes, field fakes no)
 */
record TrackedFake(String name, Fake fake, String origin, boolean injectable) {
  /** E.g. {@code 'api' (TcpServer, @WithTcpServer 'api' on class FooTest)}. */
  String describe() {
    return "'" + name + "' (" + fake.getClass().getSimpleName() + ", " + origin + ")";
  }
}
