// admission.k8s.io/v1 AdmissionReview, only the parts this webhook reads or writes.
import type { FieldError } from '@dynamodb-operator/api';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';
export const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** The decoded `request` of an AdmissionReview: shape checked, object contents not yet. */
export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  operation: Operation;
  namespace?: string;
  name?: string;
  dryRun: boolean;
  /** Absent for DELETE; a JSON object otherwise (checked by decode). */
  object?: Record<string, unknown>;
  oldObject?: Record<string, unknown>;
}

/** metav1.Status as an AdmissionResponse carries it. */
export interface ResponseStatus {
  status: 'Success' | 'Failure';
  code: number;
  reason?: string;
  message: string;
  details?: {
    group?: string;
    kind?: string;
    name?: string;
    causes: { reason: string; message: string; field: string }[];
  };
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: ResponseStatus;
  patchType?: 'JSONPatch';
  /** base64 of the JSON patch. */
  patch?: string;
  warnings?: string[];
}

export interface AdmissionReviewOut {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

/** What one admission step found. */
export interface Findings {
  errors: FieldError[];
  warnings: string[];
}
