export { InputError } from "@hjepa/errors";
