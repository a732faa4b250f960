{{/*
Expand the name of the chart.
*/}}
{{- define "pushsync.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name (63 characters at most: some Kubernetes name fields are limited to this).
If the release name contains the chart name it is used as the full name.
*/}}
{{- define "pushsync.fullname" -}}
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

{{/*
Chart name and version as used by the chart label.
*/}}
{{- define "pushsync.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels
*/}}
{{- define "pushsync.labels" -}}
helm.sh/chart: {{ include "pushsync.chart" . }}
{{ include "pushsync.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels
*/}}
{{- define "pushsync.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pushsync.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The name of the service account to use
*/}}
{{- define "pushsync.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "pushsync.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The Secret holding the caller tokens and its key: existingSecret when named, else the one this chart creates from
apiTokens; empty when neither is set (then every /v1 call is refused).
*/}}
{{- define "pushsync.tokenSecretName" -}}
{{- if .Values.existingSecret.name }}
{{- .Values.existingSecret.name }}
{{- else if .Values.apiTokens }}
{{- include "pushsync.fullname" . }}
{{- end }}
{{- end }}

{{- define "pushsync.tokenSecretKey" -}}
{{- if .Values.existingSecret.name }}
{{- required "existingSecret.key is required with existingSecret.name" .Values.existingSecret.key }}
{{- else }}
{{- "api-tokens" }}
{{- end }}
{{- end }}

{{/*
More than one replica needs shared state: in-process state (idempotency ledger, jobs, vendor rate limits) is per
replica. Checked for a fixed replicaCount and for the HPA's maxReplicas.
*/}}
{{- define "pushsync.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (ne .Values.state.store "redis") }}
{{- fail "replicaCount > 1 needs state.store=redis: in-process state is per replica (idempotency, jobs, rate limits)" }}
{{- end }}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.maxReplicas) 1) (ne .Values.state.store "redis") }}
{{- fail "autoscaling.maxReplicas > 1 needs state.store=redis: in-process state is per replica (idempotency, jobs, rate limits)" }}
{{- end }}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- fail "autoscaling.minReplicas must not exceed autoscaling.maxReplicas" }}
{{- end }}
{{- if not (has .Values.state.store (list "in-process" "redis")) }}
{{- fail "state.store must be in-process or redis" }}
{{- end }}
{{- end }}
