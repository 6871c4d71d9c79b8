// The web target: the module is initialised once before use.
import init from "consentkit";
import { flow } from "./usage";

export async function main(): Promise<number> {
  await init();
  return flow().grants.length;
}
