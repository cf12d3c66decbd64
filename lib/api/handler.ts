import type { MesStore } from '../store';
import type { ApiRole } from './route';

/** Who called: the role and the subject (the name the token was issued to) of a bearer token. */
export interface Principal {
  role: ApiRole;
  subject: string;
}

/** One authenticated request, routed: its path parameters, query, headers and raw or parsed body. */
export interface ApiCall {
  params: Record<string, string>;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  principal: Principal;
}

/** What the http response node sends. A Buffer body is sent as is (XLSX, PDF). */
export interface ApiReply {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

/** What every handler can use; the mes-api node passes a context that extends it (live services). */
export interface ApiContextBase {
  store: MesStore;
  now: () => number;
}

/** Serves one route (by its operationId in the route table). */
export type ApiHandler<C extends ApiContextBase = ApiContextBase> = (ctx: C, call: ApiCall) => Promise<ApiReply> | ApiReply;
