{{/* Name of the chart, overridable. */}}
{{- define "one-scaphandre.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name of the release's objects: the release name, unless it already contains the chart name. */}}
{{- define "one-scaphandre.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "one-scaphandre.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select the operator pods; never change them on upgrade (Deployment selectors are immutable). */}}
{{- define "one-scaphandre.selectorLabels" -}}
app.kubernetes.io/name: {{ include "one-scaphandre.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{/* Labels of the operator's own objects. */}}
{{- define "one-scaphandre.labels" -}}
{{ include "one-scaphandre.selectorLabels" . }}
{{ include "one-scaphandre.releaseLabels" . }}
{{- end -}}

{{/* Labels of everything the release installs. */}}
{{- define "one-scaphandre.releaseLabels" -}}
helm.sh/chart: {{ include "one-scaphandre.chart" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: one-scaphandre
{{- end -}}

{{- define "one-scaphandre.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "one-scaphandre.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "one-scaphandre.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Leader election is needed exactly when several replicas run. */}}
{{- define "one-scaphandre.leaderElection" -}}
{{- if gt (int .Values.replicas) 1 -}}true{{- end -}}
{{- end -}}
