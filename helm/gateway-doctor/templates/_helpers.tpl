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
