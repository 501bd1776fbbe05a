#!/usr/bin/env bash
# Backup of a production installation (PostgreSQL): the ledger database named by DUBAN_DATABASE_URL
# (pg_dump, custom format) and the uploaded files under the data dir (DUBAN_DATA_DIR/media: the
# evidence, the case files, the imported documents), into one dated folder:
#
#   scripts/backup.sh [目标目录]        (default ./backups)
#     → 目标目录/duban-YYYYMMDD-HHMMSS/{ledger.dump, media.tar.gz, SHA256SUMS, README.txt}
#
# The database is dumped first (one consistent snapshot, taken while the site runs), then the files:
# every file a dumped row names was written before its row was committed, so it is in the archive.
# The folder is written under a temporary name and renamed when complete: a folder with the final
# name is a whole backup. Restore with scripts/restore.sh.
set -euo pipefail

say() { echo "backup: $*" >&2; }
url=${DUBAN_DATABASE_URL:-}
case "$url" in
  postgres://*|postgresql://*) ;;
  "") say "未设置 DUBAN_DATABASE_URL(本脚本备份 PostgreSQL 上的台账;嵌入式 SQLite 台账请用 duban dump)"; exit 2 ;;
  *) say "DUBAN_DATABASE_URL 不是 PostgreSQL 地址(postgres://…):$url"; exit 2 ;;
esac
for tool in pg_dump tar sha256sum; do
  command -v "$tool" >/dev/null || { say "找不到命令 $tool(请安装 PostgreSQL 客户端 postgresql-client)"; exit 2; }
done
data_dir=${DUBAN_DATA_DIR:-data}
dest_root=${1:-backups}
mkdir -p "$dest_root"
stamp=$(date +%Y%m%d-%H%M%S)
final="$dest_root/duban-$stamp"
[ -e "$final" ] && { say "$final 已存在"; exit 2; }
partial="$dest_root/.duban-$stamp.partial"
rm -rf "$partial"
trap 'rm -rf "$partial"' EXIT
mkdir -p "$partial"

pg_dump --format=custom --no-owner --no-privileges --file="$partial/ledger.dump" --dbname="$url" \
  || { say "pg_dump 失败,未生成备份"; exit 1; }
if [ -d "$data_dir/media" ]; then
  tar -C "$data_dir" -czf "$partial/media.tar.gz" media
else  # no uploads yet: an empty archive, so that a restore is the same either way
  tar -czf "$partial/media.tar.gz" -T /dev/null
fi
files=$(tar -tzf "$partial/media.tar.gz" | grep -vc '/$' || true)
cat > "$partial/README.txt" <<TXT
督办 duban 备份 $stamp
数据库:ledger.dump(pg_dump -Fc,恢复:scripts/restore.sh 本目录)
上传文件:media.tar.gz(数据目录下的 media,共 $files 个文件)
TXT
(cd "$partial" && sha256sum ledger.dump media.tar.gz README.txt > SHA256SUMS)
mv "$partial" "$final"
trap - EXIT
echo "备份完成:$final(数据库 $(du -h "$final/ledger.dump" | cut -f1),上传文件 $files 个)"
