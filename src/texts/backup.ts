// What `npm run backup` and `npm run restore` tell the administrator.
export const backupTexts = {
  done: (dir: string, bytes: number, withIndex: boolean) =>
    `Đã sao lưu cơ sở dữ liệu (${(bytes / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB)${withIndex ? ' và danh mục chỉ mục' : ''} vào ${dir}`,
  failed: (reason: string) => `Lỗi: ${reason}`,
  restoreUsage: 'Cách dùng: npm run restore -- THƯ_MỤC_SAO_LƯU [--force] (dừng dịch vụ trước khi khôi phục)',
  serviceRunning: (pid: number, since: string) =>
    `Dịch vụ đang chạy trên thư mục dữ liệu này (tiến trình ${pid}, từ ${since}). Dừng dịch vụ trước khi khôi phục; nếu chắc chắn tiến trình đó không phải dịch vụ, chạy lại với --force.`,
  restored: (takenAt: string, file: string) =>
    `Đã khôi phục cơ sở dữ liệu sao lưu lúc ${takenAt} vào ${file}. Khởi động lại dịch vụ: các thông báo đang gửi dở sẽ tiếp tục.`,
  missingDocuments: (files: string[]) =>
    `Các tài liệu có trong chỉ mục lúc sao lưu nhưng không còn trong thư mục tài liệu: ${files.join(', ')}`,
};
