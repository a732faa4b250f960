{{/*
The alert rules, as the "groups" of a Prometheus rules file: the PrometheusRule's spec (prometheusrule.yaml), and
what HelmChartTest hands to `promtool check rules`. One runbook section per alert in docs/operations.md; the anchor
is the alert's name in lower case.
*/}}
{{- define "pushsync.metricSelector" -}}
{{- if .Values.prometheusRule.metricSelector }}
{{- .Values.prometheusRule.metricSelector }}
{{- else }}
{{- printf "namespace=%q,job=%q" .Release.Namespace (include "pushsync.fullname" .) }}
{{- end }}
{{- end }}

{{- define "pushsync.runbook" -}}
{{- printf "%s#%s" .root.Values.prometheusRule.runbookBaseUrl (lower .alert) }}
{{- end }}

{{- define "pushsync.alertRules" -}}
{{- $sel := include "pushsync.metricSelector" . }}
{{- $r := .Values.prometheusRule }}
{{- $deployment := printf "namespace=%q,deployment=%q" .Release.Namespace (include "pushsync.fullname" .) }}
groups:
  - name: pushsync
    rules:
      - alert: PushsyncRejectedRows
        expr: |-
          sum by (namespace, destination) (rate(pushsync_rows_total{ {{- $sel }},status="failed"}[{{ $r.rejectedRatioWindow }}]))
            / sum by (namespace, destination) (rate(pushsync_rows_total{ {{- $sel }}}[{{ $r.rejectedRatioWindow }}]))
            > {{ $r.rejectedRatio }}
        for: {{ $r.rejectedRatioFor }}
        labels:
          severity: {{ $r.severity }}
        annotations:
          summary: {{ printf "More than %v of the rows sent to {{ $labels.destination }} failed over %s" $r.rejectedRatio $r.rejectedRatioWindow | quote }}
          description: {{ printf "{{ $value | humanizePercentage }} of the rows pushsync handled for {{ $labels.destination }} in {{ $labels.namespace }} failed (status failed, any error code) over the last %s." $r.rejectedRatioWindow | quote }}
          runbook_url: {{ include "pushsync.runbook" (dict "root" . "alert" "PushsyncRejectedRows") | quote }}
      - alert: PushsyncCircuitOpen
        expr: |-
          sum by (namespace, destination) (pushsync_vendor_circuits{ {{- $sel }},state=~"open|half_open"}) > 0
        for: {{ $r.circuitOpenMinutes }}m
        labels:
          severity: {{ $r.severity }}
        annotations:
          summary: {{ printf "A {{ $labels.destination }} account's circuit has not been closed for %v minutes" $r.circuitOpenMinutes | quote }}
          description: {{ printf "{{ $value }} {{ $labels.destination }} account(s) in {{ $labels.namespace }} have had an open or half-open circuit breaker for %v minutes: their rows fail destination_unavailable without a vendor call." $r.circuitOpenMinutes | quote }}
          runbook_url: {{ include "pushsync.runbook" (dict "root" . "alert" "PushsyncCircuitOpen") | quote }}
      - alert: PushsyncVendorRateLimited
        expr: |-
          sum by (namespace, destination) (rate(pushsync_vendor_requests_seconds_count{ {{- $sel }},outcome="429"}[5m])) > 0
        for: {{ $r.rateLimitedMinutes }}m
        labels:
          severity: {{ $r.severity }}
        annotations:
          summary: {{ printf "{{ $labels.destination }} has answered 429 for %v minutes" $r.rateLimitedMinutes | quote }}
          description: {{ printf "{{ $labels.destination }} has answered pushsync in {{ $labels.namespace }} with 429 Too Many Requests ({{ $value | humanize }}/s) without a break for %v minutes." $r.rateLimitedMinutes | quote }}
          runbook_url: {{ include "pushsync.runbook" (dict "root" . "alert" "PushsyncVendorRateLimited") | quote }}
      - alert: PushsyncJobsInterrupted
        expr: |-
          sum by (namespace, destination) (increase(pushsync_jobs_finished_total{ {{- $sel }},state="interrupted"}[{{ $r.interruptedJobsWindow }}])) > 0
        labels:
          severity: {{ $r.severity }}
        annotations:
          summary: {{ printf "Jobs to {{ $labels.destination }} were interrupted in the last %s" $r.interruptedJobsWindow | quote }}
          description: {{ printf "About {{ $value | humanize }} job(s) to {{ $labels.destination }} in {{ $labels.namespace }} ended interrupted in the last %s: a replica stopped before they finished; their unconfirmed rows failed 'interrupted' (retryable)." $r.interruptedJobsWindow | quote }}
          runbook_url: {{ include "pushsync.runbook" (dict "root" . "alert" "PushsyncJobsInterrupted") | quote }}
      - alert: PushsyncReplicasNotReady
        # kube-state-metrics series, not pushsync's own
        expr: |-
          kube_deployment_status_replicas_available{ {{- $deployment }}}
            < kube_deployment_spec_replicas{ {{- $deployment }}}
        for: {{ $r.replicasNotReadyMinutes }}m
        labels:
          severity: {{ $r.severity }}
        annotations:
          summary: {{ printf "pushsync has had fewer ready replicas than wanted for %v minutes" $r.replicasNotReadyMinutes | quote }}
          description: {{ printf "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has had {{ $value }} available replica(s), fewer than its spec, for %v minutes." $r.replicasNotReadyMinutes | quote }}
          runbook_url: {{ include "pushsync.runbook" (dict "root" . "alert" "PushsyncReplicasNotReady") | quote }}
{{- end }}
