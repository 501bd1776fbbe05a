#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database named by DUBAN_DATABASE_URL and the
# data dir (DUBAN_DATA_DIR, default ./data):
#
#   scripts/restore.sh [--yes] 备份目录
#
# The folder's checksums are verified first. The database is created when it does not exist;
# otherwise its tables are replaced (pg_restore --clean --if-exists), in one transaction: a failed
# restore leaves the database as it was. The uploaded files replace DUBAN_DATA_DIR/media; the files
# that were there are kept beside it as media.before-restore-<时间>. Stop the app servers first.
set -euo pipefail

say() { echo "restore: $*" >&2; }
yes=
if [ "${1:-}" = "--yes" ]; then yes=1; shift; fi
src=${1:-}
[ -n "$src" ] || { say "用法:scripts/restore.sh [--yes] 备份目录"; exit 2; }
[ -f "$src/ledger.dump" ] && [ -f "$src/media.tar.gz" ] || { say "$src 不是完整的备份目录(缺少 ledger.dump 或 media.tar.gz)"; exit 2; }
url=${DUBAN_DATABASE_URL:-}
case "$url" in
  postgres://*|postgresql://*) ;;
  *) say "请把 DUBAN_DATABASE_URL 设为要恢复到的 PostgreSQL 数据库(postgres://…)"; exit 2 ;;
esac
for tool in pg_restore psql tar sha256sum; do
  command -v "$tool" >/dev/null || { say "找不到命令 $tool(请安装 PostgreSQL 客户端 postgresql-client)"; exit 2; }
done
if [ -f "$src/SHA256SUMS" ]; then
  (cd "$src" && sha256sum --quiet -c SHA256SUMS) || { say "校验和不符:备份已损坏,未做任何改动"; exit 1; }
fi
data_dir=${DUBAN_DATA_DIR:-data}
if [ -z "$yes" ]; then
  if [ ! -t 0 ]; then say "恢复会替换数据库和上传文件:确认后加 --yes 运行"; exit 2; fi
  read -r -p "将用 $src 替换数据库和 $data_dir/media,确定吗?(输入 yes 继续)" answer
  [ "$answer" = "yes" ] || { say "已取消"; exit 1; }
fi

# The database: made when missing (through the server's maintenance database), else replaced.
py=${PYTHON:-python3}
maintenance=$("$py" -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/postgres")))' "$url")
dbname=$("$py" -c 'import sys, urllib.parse as u; print(u.unquote(u.urlsplit(sys.argv[1]).path.lstrip("/")))' "$url")
# (psql's :'name' / :"name" quote the name; they are read from stdin, not from -c)
exists=$(printf "SELECT 1 FROM pg_database WHERE datname = :'name'\n" | psql "$maintenance" -XtA -v ON_ERROR_STOP=1 -v name="$dbname") \
  || { say "无法连接数据库服务器"; exit 1; }
if [ "$exists" != "1" ]; then
  printf 'CREATE DATABASE :"name"\n' | psql "$maintenance" -X -q -v ON_ERROR_STOP=1 -v name="$dbname" \
    || { say "无法创建数据库 $dbname"; exit 1; }
  echo "已创建数据库 $dbname"
fi
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$url" "$src/ledger.dump" || { say "pg_restore 失败,数据库未改动"; exit 1; }

# The files: the backup's media in place of the current one (kept aside, not deleted).
mkdir -p "$data_dir"
unpack="$data_dir/.restore-$$"
rm -rf "$unpack"
mkdir -p "$unpack"
tar -C "$unpack" -xzf "$src/media.tar.gz"
mkdir -p "$unpack/media"
if [ -e "$data_dir/media" ]; then
  aside="$data_dir/media.before-restore-$(date +%Y%m%d-%H%M%S)"
  mv "$data_dir/media" "$aside"
  echo "原有上传文件已移到 $aside"
fi
mv "$unpack/media" "$data_dir/media"
rmdir "$unpack"
echo "恢复完成:数据库 $dbname,上传文件 $(find "$data_dir/media" -type f | wc -l) 个"
