// SPDX-License-Identifier: Apache-2.0
// Signing EIP-712 typed data in the browser, as a wallet does. The key never leaves
// the page: either an injected EIP-1193 wallet (MetaMask and the like) signs with
// eth_signTypedData_v4, or a key file is read into this page's memory (a variable of
// this module: not storage, not the network) and ethers signs with it.

import { TypedDataEncoder, Wallet, getAddress } from "ethers";

export interface TypedData {
  types: Record<string, { name: string; type: string }[]>;
  primaryType: string;
  domain: Record<string, unknown>;
  message: Record<string, unknown>;
}

interface EIP1193 {
  request(args: { method: string; params?: unknown[] }): Promise<any>;
}

let wallet: Wallet | null = null;
let useInjected = false;
let injectedAddress = "";

function injected(): EIP1193 | null {
  const eth = (window as any).ethereum;
  return eth && typeof eth.request === "function" ? (eth as EIP1193) : null;
}

export function hasInjected(): boolean {
  return injected() !== null;
}

// importKey reads a key file (scfx keygen: one hex private key, 0x optional).
export async function importKey(text: string): Promise<string> {
  const hex = text.trim().replace(/^0x/i, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error("key");
  wallet = new Wallet("0x" + hex);
  useInjected = false;
  return wallet.address;
}

export async function connectInjected(): Promise<string> {
  const eth = injected();
  if (!eth) throw new Error("nowallet");
  const accounts: string[] = await eth.request({ method: "eth_requestAccounts" });
  if (!accounts || accounts.length === 0) throw new Error("nowallet");
  injectedAddress = getAddress(accounts[0]);
  useInjected = true;
  wallet = null;
  return injectedAddress;
}

export function forget(): void {
  wallet = null;
  useInjected = false;
  injectedAddress = "";
}

// signer is the address that would sign, or "" when no key is loaded.
export function signer(): string {
  if (useInjected) return injectedAddress;
  return wallet ? wallet.address : "";
}

export function signerKind(): "wallet" | "key" | "" {
  if (useInjected) return "wallet";
  return wallet ? "key" : "";
}

// sign signs the typed data exactly as the server gave it.
export async function sign(td: TypedData): Promise<string> {
  if (useInjected) {
    const eth = injected();
    if (!eth) throw new Error("nowallet");
    return eth.request({ method: "eth_signTypedData_v4", params: [injectedAddress, JSON.stringify(td)] });
  }
  if (!wallet) throw new Error("nokey");
  const types = { ...td.types };
  delete types.EIP712Domain; // ethers derives the domain's type from the domain itself
  return wallet.signTypedData(td.domain as any, types, td.message);
}

// digest is the EIP-712 hash the signature covers (shown before signing).
export function digest(td: TypedData): string {
  const types = { ...td.types };
  delete types.EIP712Domain;
  return TypedDataEncoder.hash(td.domain as any, types, td.message);
}

export function randomSalt(): string {
  const b = new Uint8Array(32);
  crypto.getRandomValues(b);
  return "0x" + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
