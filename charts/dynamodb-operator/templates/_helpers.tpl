{{/* Names ------------------------------------------------------------------------------------ */}}

{{- define "ddbop.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ddbop.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Component names stay under 63 characters: the prefix is cut so the suffix survives. */}}
{{- define "ddbop.webhook.fullname" -}}
{{- printf "%s-webhook" (include "ddbop.fullname" . | trunc 55 | trimSuffix "-") }}
{{- end }}

{{- define "ddbop.reconciler.fullname" -}}
{{- printf "%s-reconciler" (include "ddbop.fullname" . | trunc 52 | trimSuffix "-") }}
{{- end }}

{{- define "ddbop.webhook.serviceAccountName" -}}
{{- if .Values.webhook.serviceAccount.create }}
{{- default (include "ddbop.webhook.fullname" .) .Values.webhook.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.webhook.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "ddbop.reconciler.serviceAccountName" -}}
{{- if .Values.reconciler.serviceAccount.create }}
{{- default (include "ddbop.reconciler.fullname" .) .Values.reconciler.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.reconciler.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret the serving certificate lives in (cert-manager or chart-generated). */}}
{{- define "ddbop.webhook.tlsSecretName" -}}
{{- printf "%s-tls" (include "ddbop.webhook.fullname" .) }}
{{- end }}

{{- define "ddbop.webhook.certificateName" -}}
{{- include "ddbop.webhook.fullname" . }}
{{- end }}

{{/* DNS names the API server uses to reach the webhook Service. */}}
{{- define "ddbop.webhook.dnsNames" -}}
{{- $svc := include "ddbop.webhook.fullname" . -}}
{{- $ns := .Release.Namespace -}}
{{- concat (list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns)) .Values.certManager.extraDnsNames | toJson }}
{{- end }}

{{/* Labels ----------------------------------------------------------------------------------- */}}

{{- define "ddbop.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "ddbop.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: dynamodb-operator
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "ddbop.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ddbop.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "ddbop.componentLabels" -}}
{{ include "ddbop.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Images ----------------------------------------------------------------------------------- */}}

{{- define "ddbop.image" -}}
{{- $tag := default .root.Chart.AppVersion .image.tag -}}
{{- if .image.digest -}}
{{- printf "%s@%s" .image.repository .image.digest -}}
{{- else -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
{{- end }}

{{/* Flags ------------------------------------------------------------------------------------ */}}

{{/* "k=v,k2=v2", keys sorted so renders are stable. */}}
{{- define "ddbop.defaultTags" -}}
{{- $pairs := list -}}
{{- range $k, $v := .Values.defaultTags -}}
{{- $pairs = append $pairs (printf "%s=%s" $k (toString $v)) -}}
{{- end -}}
{{- join "," $pairs -}}
{{- end }}

{{/* cert-manager ----------------------------------------------------------------------------- */}}

{{- define "ddbop.certManager.ownIssuers" -}}
{{- if and .Values.certManager.enabled (not .Values.certManager.issuerRef.name) }}true{{ end }}
{{- end }}

{{- define "ddbop.certManager.caName" -}}
{{- printf "%s-ca" (include "ddbop.fullname" . | trunc 60 | trimSuffix "-") }}
{{- end }}

{{- define "ddbop.certManager.selfSignedIssuerName" -}}
{{- printf "%s-selfsigned" (include "ddbop.fullname" . | trunc 52 | trimSuffix "-") }}
{{- end }}

{{/* Chart-generated certificates (no cert-manager) ----------------------------------------------
One CA and one serving certificate per render, shared by the Secret and both webhook configurations:
generated once and parked on .Values (the one map every template of a render sees). On upgrade the
existing Secret is reused while it is present, so the caBundle and the mounted certificate agree. */}}
{{- define "ddbop.generatedCerts" -}}
{{- if not (hasKey .Values "__ddbopGeneratedCerts") -}}
{{- $secret := lookup "v1" "Secret" .Release.Namespace (include "ddbop.webhook.tlsSecretName" .) -}}
{{- $certs := dict -}}
{{- if and $secret (hasKey ($secret.data | default dict) "ca.crt") -}}
{{- $_ := set $certs "ca" (index $secret.data "ca.crt" | b64dec) -}}
{{- $_ := set $certs "cert" (index $secret.data "tls.crt" | b64dec) -}}
{{- $_ := set $certs "key" (index $secret.data "tls.key" | b64dec) -}}
{{- else -}}
{{- $days := int .Values.generatedCertificate.validityDays -}}
{{- $ca := genCA (printf "%s-ca" (include "ddbop.fullname" .)) $days -}}
{{- $svc := include "ddbop.webhook.fullname" . -}}
{{- $dns := include "ddbop.webhook.dnsNames" . | fromJsonArray -}}
{{- $cert := genSignedCert (printf "%s.%s.svc" $svc .Release.Namespace) .Values.certManager.extraIpAddresses $dns $days $ca -}}
{{- $_ := set $certs "ca" $ca.Cert -}}
{{- $_ := set $certs "cert" $cert.Cert -}}
{{- $_ := set $certs "key" $cert.Key -}}
{{- end -}}
{{- $_ := set .Values "__ddbopGeneratedCerts" $certs -}}
{{- end -}}
{{- toJson (index .Values "__ddbopGeneratedCerts") -}}
{{- end }}

{{/* Webhook configuration parts shared by the validating and mutating configurations. */}}
{{- define "ddbop.webhook.namespaceSelector" -}}
matchExpressions:
  - key: kubernetes.io/metadata.name
    operator: NotIn
    values:
      {{- toYaml (concat (list "kube-system" .Release.Namespace) .Values.webhook.excludeNamespaces | uniq) | nindent 6 }}
  {{- with .Values.webhook.namespaceSelectorExpressions }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}

{{- define "ddbop.webhook.rules" -}}
- apiGroups: ["aws-infra-operator.runner.codes"]
  apiVersions: ["v1alpha1"]
  operations: ["CREATE", "UPDATE"]
  resources: ["awsproviders", "dynamodbtables", "dynamodbs"]
  scope: Namespaced
- apiGroups: ["aws-infra-operator.runner.codes"]
  apiVersions: ["v1alpha1"]
  operations: ["CREATE", "UPDATE"]
  resources: ["clusterawsproviders"]
  scope: Cluster
{{- end }}

{{- /* An update that leaves spec and the users' control annotations (aws-infra-operator.runner.codes/*:
adopt, paused, management-policy, capacity-management, recreate) as they were has nothing for either
webhook to default or judge: the API server skips the call. That spares every write of the reconciler's
own (its finalizer, and the dynamodb.aws-infra-operator.runner.codes/* annotations it records with it on
each create), owner references, and label or annotation changes of other tools. No rule reads the
object's labels or any other annotation; a rule that starts to must widen this. The `has` guards keep
the expression from erroring (an error would apply failurePolicy); map macros iterate keys. */ -}}
{{- define "ddbop.webhook.matchConditions" -}}
- name: judged-fields-changed
  expression: >-
    request.operation != 'UPDATE' ||
    (has(object.spec) ? object.spec : {}) != (has(oldObject.spec) ? oldObject.spec : {}) ||
    (has(object.metadata.annotations) && object.metadata.annotations.exists(k,
    k.startsWith('aws-infra-operator.runner.codes/') && (!has(oldObject.metadata.annotations) ||
    !(k in oldObject.metadata.annotations) || oldObject.metadata.annotations[k] != object.metadata.annotations[k]))) ||
    (has(oldObject.metadata.annotations) && oldObject.metadata.annotations.exists(k,
    k.startsWith('aws-infra-operator.runner.codes/') && (!has(object.metadata.annotations) ||
    !(k in object.metadata.annotations))))
{{- end }}

{{- define "ddbop.webhook.annotations" -}}
{{- if .Values.certManager.enabled }}
cert-manager.io/inject-ca-from: {{ printf "%s/%s" .Release.Namespace (include "ddbop.webhook.certificateName" .) }}
{{- end }}
{{- end }}

{{- define "ddbop.webhook.clientConfig" -}}
{{- if .root.Values.webhook.url }}
url: {{ printf "%s%s" .root.Values.webhook.url .path }}
{{- else }}
service:
  name: {{ include "ddbop.webhook.fullname" .root }}
  namespace: {{ .root.Release.Namespace }}
  path: {{ .path }}
  port: {{ .root.Values.webhook.service.port }}
{{- end }}
{{- if not .root.Values.certManager.enabled }}
caBundle: {{ (include "ddbop.generatedCerts" .root | fromJson).ca | b64enc }}
{{- end }}
{{- end }}

{{/* Prometheus ------------------------------------------------------------------------------- */}}

{{- define "ddbop.promSelector" -}}
{{- default (printf "namespace=%q" .Release.Namespace) .Values.metrics.prometheusRule.selector -}}
{{- end }}

{{/* RBAC ------------------------------------------------------------------------------------- */}}

{{/* Secret read access; with resourceNames only `get` (list/watch cannot be narrowed by name). */}}
{{- define "ddbop.reconciler.secretRules" -}}
{{- with .Values.reconciler.rbac.secrets.resourceNames }}
- apiGroups: [""]
  resources: ["secrets"]
  resourceNames: {{ toJson . }}
  # list/watch too: the reconciler watches each Secret by name (fieldSelector metadata.name), which the
  # API server authorizes against resourceNames
  verbs: ["get", "list", "watch"]
{{- else }}
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch"]
{{- end }}
{{- end }}

{{/* Secure metrics: the API calls that authenticate and authorize a scrape (TokenReview, SubjectAccessReview). */}}
{{- define "ddbop.metrics.authRules" -}}
{{- if .Values.metrics.secure }}
# metrics.secure: authenticate and authorize each scrape of /metrics with the API server
- apiGroups: ["authentication.k8s.io"]
  resources: ["tokenreviews"]
  verbs: ["create"]
- apiGroups: ["authorization.k8s.io"]
  resources: ["subjectaccessreviews"]
  verbs: ["create"]
{{- end }}
{{- end }}

{{- define "ddbop.metrics.readerName" -}}
{{- printf "%s-metrics-reader" (include "ddbop.fullname" .) }}
{{- end }}

{{- define "ddbop.metrics.scraperName" -}}
{{- printf "%s-metrics-scraper" (include "ddbop.fullname" .) }}
{{- end }}

{{/* Scrape settings of a ServiceMonitor endpoint / PodMonitor podMetricsEndpoint: plain HTTP, or HTTPS
with a bearer token (metrics.secure). The serving certificates are not verified (the reconciler's is
made in memory, as kube-rbac-proxy's is); the token only grants `get /metrics`. */}}
{{- define "ddbop.metrics.scrapeAuth" -}}
{{- if .Values.metrics.secure }}
scheme: https
tlsConfig:
  insecureSkipVerify: true
authorization:
  type: Bearer
  credentials:
    name: {{ default (include "ddbop.metrics.scraperName" .) .Values.metrics.scrapeTokenSecret }}
    key: token
{{- else }}
scheme: http
{{- end }}
{{- end }}

{{/*
crds.upgradeJob read with its defaults: `helm upgrade --reuse-values` from a release whose chart had no
`crds` key renders with that release's values, where the key is missing (not with this chart's defaults).
*/}}
{{- define "ddbop.crds.upgradeJobEnabled" -}}
{{- dig "upgradeJob" "enabled" true (default (dict) .Values.crds) -}}
{{- end }}

{{/* The CRD upgrade Job's objects: pre-install/pre-upgrade hooks, replaced on every run, deleted on success. */}}
{{- define "ddbop.crds.hookAnnotations" -}}
helm.sh/hook: pre-install,pre-upgrade
helm.sh/hook-weight: {{ .weight | quote }}
helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- end }}
