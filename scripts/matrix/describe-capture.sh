#!/usr/bin/env bash
# Prints what is on the wire in one capture, per TCP connection (tcp.stream): endpoints, first and
# last packet time, SYN/FIN/RST frames with sender and TTL/hop limit, retransmissions, keep-alives,
# the longest silence, and the Kafka requests with their responses (frame numbers as tshark and
# kdiag count them). Used to verify scripts/matrix/make-set-b.sh's captures before their README
# and expected.json are written.   scripts/matrix/describe-capture.sh FILE.pcap[.gz] [PORT]
set -euo pipefail
f=$1 port=${2:-9092}
tshark -r "$f" -q -z conv,tcp 2>/dev/null | sed -n '/<->/p'
tshark -r "$f" -d tcp.port==$port,kafka -T fields -E separator='|' \
  -e frame.number -e frame.time_relative -e tcp.stream -e ip.src -e ipv6.src -e tcp.srcport \
  -e ip.ttl -e ipv6.hlim -e tcp.flags.str -e tcp.len -e tcp.analysis.retransmission \
  -e tcp.analysis.keep_alive -e tcp.analysis.keep_alive_ack -e tcp.time_delta -e kafka.request_key \
  -e kafka.correlation_id -e kafka.response_key -e kafka.client_id 2>/dev/null | awk -F'|' -v port="$port" '
  { s=$3; src=($4!="")?$4:$5; ttl=($7!="")?$7:$8; fl=$9; gsub(/·/,"",fl);
    if(!(s in first)){first[s]=$2; order[++n]=s; cli[s]=(($6==port)?"?":src":"$6)}
    last[s]=$2; pk[s]++
    if($14+0>gap[s]){gap[s]=$14+0; gapf[s]=$1}
    ev=""
    if(fl ~ /S/) ev=ev" SYN"; if(fl ~ /F/) ev=ev" FIN"; if(fl ~ /R/) ev=ev" RST"
    if($11!="") ev=ev" RETX"; if($12!="") ev=ev" KA"; if($13!="") ev=ev" KA-ACK"
    if($18!="") cid[s]=$18
    if($15!="") { ev=ev" req" $15 "/c" $16; nreq[s]++; open_[s, $16]=$1 }
    if($17!="") { nresp[s]++; delete open_[s, $16] }
    if($17!="") ev=ev" resp" $17 "/c" $16
    if(ev!="") ev_[s]=ev_[s] sprintf("\n    #%s %.3fs %s ttl%s len%s%s", $1, $2, src, ttl, $10, ev)
  }
  END { for(i=1;i<=n;i++){s=order[i]; un=""; for(k in open_){split(k,kk,SUBSEP); if(kk[1]==s) un=un" c"kk[2]"@#"open_[k]}
    printf("stream %s: %d pkts %.3f..%.3fs longest silence %.3fs before #%s; client %s; %d requests, %d responses, unanswered:%s%s\n", s, pk[s], first[s], last[s], gap[s], gapf[s], cid[s], nreq[s], nresp[s], (un==""?" none":un), ev_[s])} }'
