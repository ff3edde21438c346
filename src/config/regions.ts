import type { IpsRegion } from './types.js';

/** IPS API host of each Dynamic Media region (design.md, "Environment"). */
export const IPS_REGION_HOSTS: Readonly<Record<IpsRegion, string>> = {
  na: 's7sps1apissl.scene7.com',
  emea: 's7sps3apissl.scene7.com',
  apac: 's7sps5apissl.scene7.com',
};

export const IPS_REGIONS = Object.keys(IPS_REGION_HOSTS) as IpsRegion[];

/** The SOAP endpoint used when `IPS_API_URL` is not set. */
export function ipsApiUrlForRegion(region: IpsRegion): string {
  return `https://${IPS_REGION_HOSTS[region]}/scene7/services/IpsApiService`;
}
