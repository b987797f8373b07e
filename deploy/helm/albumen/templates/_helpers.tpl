{{/* Names, labels and the pieces every Albumen container shares. */}}

{{- define "albumen.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "albumen.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "server") */}}
{{- define "albumen.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "albumen.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "albumen.databaseSecretName" -}}
{{- if .Values.postgresql.cnpg.enabled -}}
{{- printf "%s-db-app" (include "albumen.fullname" .) -}}
{{- else if .Values.database.url.existingSecret -}}
{{- .Values.database.url.existingSecret -}}
{{- else -}}
{{- fail "Albumen needs a database: set postgresql.cnpg.enabled=true, or database.url.existingSecret to a Secret holding a postgresql:// URL" -}}
{{- end -}}
{{- end -}}

{{/* Environment shared by the server and the worker. */}}
{{- define "albumen.env" -}}
- name: DB_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "albumen.databaseSecretName" . }}
      key: {{ if .Values.postgresql.cnpg.enabled }}uri{{ else }}{{ .Values.database.url.key }}{{ end }}
- name: IMMICH_MEDIA_LOCATION
  value: /data
- name: IMMICH_LOG_LEVEL
  value: {{ .Values.server.logLevel | quote }}
- name: ALBUMEN_LOG_FORMAT
  value: json
{{- if .Values.ml.enabled }}
- name: IMMICH_MACHINE_LEARNING_URL
  value: {{ printf "http://%s-ml:3003" (include "albumen.fullname" .) | quote }}
{{- else }}
- name: IMMICH_MACHINE_LEARNING_ENABLED
  value: "false"
{{- end }}
{{- if .Values.metrics.enabled }}
- name: IMMICH_TELEMETRY_INCLUDE
  value: all
{{- end }}
{{- if .Values.config.existingConfigMap }}
- name: IMMICH_CONFIG_FILE
  value: {{ printf "/config/%s" .Values.config.key | quote }}
{{- end }}
{{- end -}}

{{/* Volumes every Albumen pod has: scratch space for the read-only root filesystem. */}}
{{- define "albumen.scratchVolumes" -}}
- name: tmp
  emptyDir: {}
- name: home
  emptyDir: {}
{{- end -}}

{{- define "albumen.scratchMounts" -}}
- name: tmp
  mountPath: /tmp
- name: home
  mountPath: /home/albumen
{{- end -}}

{{- define "albumen.mediaClaim" -}}
{{- default (printf "%s-media" (include "albumen.fullname" .)) .Values.persistence.media.existingClaim -}}
{{- end -}}

{{- define "albumen.modelCacheClaim" -}}
{{- default (printf "%s-model-cache" (include "albumen.fullname" .)) .Values.persistence.modelCache.existingClaim -}}
{{- end -}}
