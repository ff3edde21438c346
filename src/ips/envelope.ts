import { escapeXml, xmlTextElements } from './xml.js';

export const SOAP11_NAMESPACE = 'http://schemas.xmlsoap.org/soap/envelope/';
/** The unversioned IPS namespace (fault details; optionally the authHeader). */
export const IPS_BASE_NAMESPACE = 'http://www.scene7.com/IpsApi/xsd';

/** The versioned namespace every Param element and its children must use. */
export function ipsNamespace(apiVersion: string): string {
  return `${IPS_BASE_NAMESPACE}/${apiVersion}`;
}

export type IpsOperation =
  | 'cdnCacheInvalidation'
  | 'getCompanyInfo'
  | 'getCompanyMembership'
  | 'getCompanyMembers'
  | 'getCdnCacheInvalidationStatus';

export interface EnvelopeOptions {
  user: string;
  password: string;
  /** Namespace date, e.g. `2014-04-03`. */
  apiVersion: string;
  appName: string;
  appVersion: string;
  /** Omitted from the header when empty. */
  locale: string;
  authHeaderNamespace: 'versioned' | 'base';
  faultHttpStatusCode: number | undefined;
}

const AUTH = 'authHeader';

/**
 * Builds SOAP 1.1 request envelopes by concatenation. Everything up to the Param element is the
 * same for every call, so it is built once; it holds the password, so it lives in a private field
 * that neither `JSON.stringify` nor `util.inspect` shows.
 */
export class EnvelopeBuilder {
  readonly #head: string;
  readonly #paramNs: string;

  constructor(options: EnvelopeOptions) {
    const paramNs = ipsNamespace(escapeXml(options.apiVersion, 'apiVersion', AUTH));
    const authNs = options.authHeaderNamespace === 'base' ? IPS_BASE_NAMESPACE : paramNs;
    let auth = `<authHeader xmlns="${authNs}">`;
    auth += `<user>${escapeXml(options.user, 'user', AUTH)}</user>`;
    auth += `<password>${escapeXml(options.password, 'password', AUTH)}</password>`;
    if (options.locale !== '') auth += `<locale>${escapeXml(options.locale, 'locale', AUTH)}</locale>`;
    auth += `<appName>${escapeXml(options.appName, 'appName', AUTH)}</appName>`;
    auth += `<appVersion>${escapeXml(options.appVersion, 'appVersion', AUTH)}</appVersion>`;
    if (options.faultHttpStatusCode !== undefined) {
      auth += `<faultHttpStatusCode>${Math.trunc(options.faultHttpStatusCode)}</faultHttpStatusCode>`;
    }
    auth += '</authHeader>';
    this.#head = `<soapenv:Envelope xmlns:soapenv="${SOAP11_NAMESPACE}"><soapenv:Header>${auth}</soapenv:Header><soapenv:Body>`;
    this.#paramNs = paramNs;
  }

  /** Caller has checked 1..1000 URLs and a non-empty handle; URLs go out exactly as given. */
  cdnCacheInvalidation(companyHandle: string, urls: readonly string[]): string {
    const op = 'cdnCacheInvalidation';
    const items = xmlTextElements('items', urls, 'URL', op);
    return this.#wrap(
      op,
      `<companyHandle>${escapeXml(companyHandle, 'companyHandle', op)}</companyHandle><urlArray>${items}</urlArray>`,
    );
  }

  getCompanyInfo(companyName: string): string {
    return this.#wrap(
      'getCompanyInfo',
      `<companyName>${escapeXml(companyName, 'companyName', 'getCompanyInfo')}</companyName>`,
    );
  }

  /** Without a userHandle IPS answers for the calling account. */
  getCompanyMembership(): string {
    return this.#wrap('getCompanyMembership', '');
  }

  /** Invalid and inactive members are included on purpose: callers decide who counts as active. */
  getCompanyMembers(companyHandle: string): string {
    const op = 'getCompanyMembers';
    return this.#wrap(
      op,
      `<companyHandle>${escapeXml(companyHandle, 'companyHandle', op)}</companyHandle><includeInvalid>true</includeInvalid><includeInactive>true</includeInactive>`,
    );
  }

  getCdnCacheInvalidationStatus(companyHandle: string, invalidationHandle: string): string {
    const op = 'getCdnCacheInvalidationStatus';
    return this.#wrap(
      op,
      `<companyHandle>${escapeXml(companyHandle, 'companyHandle', op)}</companyHandle><invalidationHandle>${escapeXml(invalidationHandle, 'invalidationHandle', op)}</invalidationHandle>`,
    );
  }

  #wrap(operation: IpsOperation, params: string): string {
    const open = `<${operation}Param xmlns="${this.#paramNs}"`;
    const param = params === '' ? `${open}/>` : `${open}>${params}</${operation}Param>`;
    return `${this.#head}${param}</soapenv:Body></soapenv:Envelope>`;
  }
}
