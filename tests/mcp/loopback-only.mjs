// Preloaded into server-everything (`node --import ./loopback-only.mjs …`): it listens with
// `app.listen(PORT)`, which binds every interface. The tests start servers on 127.0.0.1 only,
// so a port-only listen is bound to the loopback address here.
import net from "node:net";

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" || (typeof args[0] === "string" && /^\d+$/.test(args[0]))) {
    const callback = args.find((a) => typeof a === "function");
    return listen.call(this, { port: Number(args[0]), host: "127.0.0.1" }, callback);
  }
  return listen.apply(this, args);
};
