package dev.sockpuppet.internal.engine;

import dev.sockpuppet.behaviour.Fault;
import dev.sockpuppet.behaviour.Handler;
import dev.sockpuppet.behaviour.Responder;
import dev.sockpuppet.behaviour.Script;
import java.util.List;
import java.util.Objects;

/**
 * What a fake with one connection (a client peer, a FIFO pair) plays on it, as configured by its
 * {@code with…} methods: a script, a handler or a responder (the last one set wins), and whether an
 * unfinished script may pass {@code verify()}. Thread-safe; changes only before the first start.
 */
public final class Playbook {
  private final FakeCore core;
  private volatile Script script;
  private volatile Handler handler;
  private volatile Responder responder = Responder.sink();
  private volatile boolean unfinishedScriptsAllowed;

  public Playbook(FakeCore core) {
    this.core = core;
  }

  public void script(Script script) {
    Objects.requireNonNull(script, "script");
    core.requireNew("withScript");
    this.script = script;
    this.handler = null;
    this.responder = Responder.sink();
  }

  public void handler(Handler handler) {
    Objects.requireNonNull(handler, "handler");
    core.requireNew("withHandler");
    this.handler = handler;
    this.script = null;
    this.responder = Responder.sink();
  }

  public void responder(Responder responder) {
    Objects.requireNonNull(responder, "responder");
    core.requireNew("withResponder");
    this.responder = responder;
    this.script = null;
    this.handler = null;
  }

  public void allowUnfinishedScripts() {
    core.requireNew("withUnfinishedScriptsAllowed");
    this.unfinishedScriptsAllowed = true;
  }

  /** The behaviour of the connection, for a start. */
  public Behaviour behaviour() {
    Script configuredScript = script;
    if (configuredScript != null) {
      return new ScriptBehaviour(core.description(), List.of(configuredScript), true, unfinishedScriptsAllowed);
    }
    Handler configuredHandler = handler;
    return configuredHandler != null ? Behaviour.of(configuredHandler) : Behaviour.of(responder);
  }

  /** What the connection's transport is wrapped in: the fake's faults, if any (a fault never applies twice). */
  public PeerEngine.TransportWrapper wrapper() {
    List<Fault> configured = core.faults();
    return configured.isEmpty()
        ? PeerEngine.TransportWrapper.NONE
        : (transport, record) -> FaultyTransport.wrap(transport, configured, record);
  }
}
