#!/usr/bin/env bash
# scripts/acl-coverage.sh - which functions of ACL's runtime headers weir
# exports, and why the others are absent. Prints markdown for docs/acl.md.
#
#   scripts/acl-coverage.sh ACL_INCLUDE_DIR LIBWEIR_SO
#
# ACL_INCLUDE_DIR is the include/external/acl folder of a hicann/runtime
# checkout (the real headers); LIBWEIR_SO a built libweir.so. The reason for
# each absent function comes from the table below (first match wins), so a
# function that matches none is listed as "not implemented yet".
set -euo pipefail
inc=$1
lib=$2
headers=(acl_base_rt.h acl_rt.h acl_tdt.h acl_tdt_queue.h)

reasons=(
	'^aclrtGetFuncBySymbol$'
	'kernel lookup by host stub: a weir device binary has no host stubs (docs/porting-kernels.md); aclrtBinaryGetFunction finds a kernel by name'
	'^aclrtTaskUpdateAsync$|^aclrtPersistentTaskClean$|CacheLastTask|^aclrtMemcpyAsyncWithCondition$'
	'task-capture extras that issue 13 leaves out (the aclmdlRI*, label and stream-switch calls are in acl_compat/mdl/ and runtime/label.c)'
	'Ipc|Shareable|ImportPid|SetImportPid|ExportKey|ImportByKey|InterServer|SetPid|BareTgid'
	'sharing with other processes: weir devices live inside one process (multi-process memory is a separate issue)'
	'SnapShot'
	'process snapshot and restore of device state: there is no device state outside the process'
	'Prof'
	'profiling: a separate issue'
	'^aclmdl.*Dump|Dump'
	'dump: a separate issue'
	'Reserve|ReleaseMemAddress|Physical|MapMem|UnmapMem|MemSetAccess|MemGetAccess|Allocation|MemMap|MemP2PMap|MemGetAddressRange'
	'virtual memory management (reserve, map, physical handles): a separate memory issue'
	'Managed'
	'managed (unified) memory: a separate memory issue'
	'Cmo|MemFlush|MemInvalidate|L2Cache'
	'cache maintenance tasks: a separate memory issue (device memory is coherent host memory, so they would be no-ops)'
	'HostRegister|HostUnregister|HostGetDevicePointer|HostMemMapCapabilities|MallocHostWithCfg|MallocWithCfg|MallocCached|MallocForTaskScheduler|PointerGetAttributes|CheckMemType|MemUsageInfo|MemUce|FreeHostWithDevSync'
	'memory extensions (host registration, allocation configs, pointer attributes): a separate memory issue'
	'Memcpy(Batch|2d|FromSymbol|ToSymbol|AsyncWithDesc|AsyncWithOffset)|MemcpyDesc|MemsetD32|Symbol'
	'memory copy extensions (batches, descriptors, symbols): a separate memory issue'
	'Buf'
	'mbuf buffer chains of the AI CPU data path: not modelled'
	'Group'
	'AI core groups: weir devices have one pool of workers, not partitioned groups'
	'DevId|PCIBusId|Uuid|Topo|DeviceGetLimit|DeviceSetLimit|AtomicCapabilities|SetTsDevice|PrimaryCtxState|DeviceTaskAbort|DeviceStateCallback|RepairError|SysParamOpt'
	'device identity, topology and driver-level controls: a later runtime issue'
	'OpExecuteTimeOut|OpTimeOutInterval|GetOpExecuteTimeout'
	'kernel execution timeouts: a later runtime issue'
	'CallbackRegister|CallbackUnRegister|CallbackUnregister|ExceptionInfoCallbackRegister'
	'init, finalize and exception callback registries: a later runtime issue'
)

exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | sort -u)
declare -A have=()
for f in $exported; do have[$f]=1; done

declared() { # the functions a header declares
	grep -ohE '^[A-Za-z_].*\b(acl|aclrt|acltdt|aclsys|aclmdl)[A-Za-z0-9_]*\(' "$inc/$1" |
		grep -oE '\b(acl|aclrt|acltdt|aclsys|aclmdl)[A-Za-z0-9_]*\($' | tr -d '(' | sort -u
}
n_all=0; n_have=0
declare -A miss=() seen=()
supported=""
for h in "${headers[@]}"; do
	list=""
	for f in $(declared "$h"); do
		[[ -n ${seen[$f]:-} ]] && continue
		seen[$f]=1
		n_all=$((n_all + 1))
		if [[ -n ${have[$f]:-} ]]; then
			n_have=$((n_have + 1)); list+="\`$f\`, "; continue
		fi
		why='not implemented yet'
		for ((i = 0; i < ${#reasons[@]}; i += 2)); do
			if [[ $f =~ ${reasons[i]} ]]; then why=${reasons[i + 1]}; break; fi
		done
		miss[$why]+="\`$f\` "
	done
	[[ -n $list ]] && supported+="- \`acl/$h\`: ${list%, }"$'\n'
done
echo "Of the $n_all functions declared in ACL's ${headers[*]}, weir exports $n_have."
echo
echo "#### Supported, by header"
echo
printf '%s' "$supported"
echo
echo "#### Absent, with the reason"
echo
echo "| absent | reason |"
echo "|---|---|"
for why in "${!miss[@]}"; do
	echo "| ${miss[$why]% } | $why |"
done | sort -t'|' -k3
