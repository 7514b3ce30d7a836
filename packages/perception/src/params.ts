import { tf } from "@hjepa/tensor";

/**
 * Named trainable (and non-trainable) variables of a module. Names are ours ("encoder/dense0/w"), kept in
 * a Map, because TensorFlow.js variable names must be unique per process and two models would clash.
 */
export class ParamStore {
  private readonly vars: Map<string, tf.Variable>;
  private readonly frozen: Set<string>;

  constructor(
    readonly prefix = "",
    shared?: { vars: Map<string, tf.Variable>; frozen: Set<string> },
  ) {
    this.vars = shared?.vars ?? new Map();
    this.frozen = shared?.frozen ?? new Set();
  }

  /** Registers a variable initialised from `init` (which is disposed). */
  add(name: string, init: tf.Tensor, { trainable = true } = {}): tf.Variable {
    const full = this.prefix ? `${this.prefix}/${name}` : name;
    if (this.vars.has(full)) throw new Error(`parameter ${full} is registered twice`);
    const v = tf.variable(init, trainable);
    init.dispose();
    this.vars.set(full, v);
    if (!trainable) this.frozen.add(full);
    return v;
  }

  /** A child store whose names are prefixed with `name/` and that shares this store's map. */
  scope(name: string): ParamStore {
    return new ParamStore(this.prefix ? `${this.prefix}/${name}` : name, {
      vars: this.vars,
      frozen: this.frozen,
    });
  }

  /** Every variable by full name, in registration order. */
  entries(): [string, tf.Variable][] {
    return [...this.vars.entries()].filter(([k]) => this.prefix === "" || k.startsWith(`${this.prefix}/`));
  }

  /** The trainable variables by full name. */
  trainable(): Map<string, tf.Variable> {
    return new Map(this.entries().filter(([k]) => !this.frozen.has(k)));
  }

  /** Marks a registered variable as not trainable (e.g. an EMA target). */
  freeze(name: string): void {
    if (!this.vars.has(name)) throw new Error(`no parameter named ${name}`);
    this.frozen.add(name);
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`no parameter named ${name}`);
    return v;
  }

  /** Number of scalar parameters. */
  count(): number {
    return this.entries().reduce((n, [, v]) => n + v.size, 0);
  }

  dispose(): void {
    for (const [k, v] of this.entries()) {
      v.dispose();
      this.vars.delete(k);
    }
  }
}
