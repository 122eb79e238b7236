{{- define "gateway-doctor.labels" -}}
app.kubernetes.io/name: gateway-doctor
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "gateway-doctor.selector" -}}
app.kubernetes.io/name: gateway-doctor
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}


{{- define "gateway-doctor.watchNamespaces" -}}
{{- if kindIs "slice" .Values.watchNamespaces -}}
{{- join "," .Values.watchNamespaces -}}
{{- else -}}
{{- .Values.watchNamespaces -}}
{{- end -}}
{{- end -}}

{{- /* The operator's ServiceAccount: serviceAccount.name, else the release's name. */ -}}
{{- define "gateway-doctor.serviceAccountName" -}}
{{- default (include "gateway-doctor.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- /* The name of the release's objects: fullnameOverride, else the release's name. */ -}}
{{- define "gateway-doctor.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}
