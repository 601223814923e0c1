/**
 * What a fake does on a connection: a canned {@link dev.sockpuppet.behaviour.Responder} (record
 * only, echo, a fixed reply, {@link dev.sockpuppet.behaviour.LineRules}, a reset, a greeting, one
 * per connection), or a {@link dev.sockpuppet.behaviour.Handler} of your own that reads and writes
 * through a {@link dev.sockpuppet.behaviour.LiveConnection}. The same behaviours serve every kind of
 * connection a fake has.
 */
package dev.sockpuppet.behaviour;
