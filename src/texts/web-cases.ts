// What the web chat says about cases (ask a person, report a problem, "Hồ sơ của tôi"): the page's
// strings, sent by GET /api/cases/setup so no sentence lives in the page's script, and the JSON
// errors of the resident case routes. Texts shared with Telegram and Zalo stay in cases.ts.
import { caseTexts } from './cases.js';

export const webCaseTexts = {
  errors: {
    csrf: 'Phiên làm việc của trang đã hết hạn. Bạn vui lòng tải lại trang rồi gửi lại.',
    crossOrigin: 'Yêu cầu này chỉ được gửi từ chính trang hỏi đáp.',
    invalidQuestion: 'Yêu cầu không hợp lệ: cần {"text": "nội dung gửi cán bộ"}.',
    invalidMessage: 'Yêu cầu không hợp lệ: cần {"text": "nội dung"}.',
    invalidRating: 'Đánh giá không hợp lệ: chọn từ 1 đến 5.',
    invalidReport: 'Phản ánh không hợp lệ: cần gửi dạng biểu mẫu (multipart/form-data).',
    invalidLocation: 'Vị trí không hợp lệ: cần cả vĩ độ và kinh độ.',
    unknownCase: 'Không tìm thấy hồ sơ này trong các hồ sơ của bạn.',
    closed: (number: string) => caseTexts.caseClosedForReplies(number),
    rated: 'Hồ sơ này đã được đánh giá, hoặc chưa đóng.',
    tooManyPhotos: caseTexts.tooManyPhotos,
    photoTooLarge: caseTexts.photoTooLarge,
  },

  ui: {
    askPerson: 'Gặp cán bộ',
    askPersonHint: 'Tài liệu chưa có câu trả lời. Bạn có thể gửi câu hỏi tới cán bộ thành phố:',
    askPersonLabel: 'Nội dung gửi cán bộ (có thể sửa):',
    askPersonSend: 'Gửi cán bộ',
    cancel: 'Thôi',
    report: 'Phản ánh',
    reportTitle: 'Phản ánh hiện trường',
    category: 'Loại vấn đề',
    ward: 'Phường/xã',
    wardNone: '— chọn phường/xã —',
    address: 'Địa chỉ (số nhà, đường, địa điểm)',
    useLocation: 'Dùng vị trí của tôi',
    locating: 'Đang lấy vị trí…',
    /** {lat} and {lon} are filled in by the page. */
    located: 'Đã lấy vị trí: {lat}, {lon}',
    locationRefused: 'Không lấy được vị trí (bạn chưa cho phép, hoặc thiết bị không hỗ trợ). Bạn có thể ghi địa chỉ.',
    removeLocation: 'Bỏ vị trí',
    photos: 'Ảnh (không bắt buộc)',
    photosHint: (max: number, mb: number) => `Tối đa ${max} ảnh, mỗi ảnh không quá ${mb} MB (JPEG, PNG, WebP, HEIC).`,
    tooManyPhotos: caseTexts.tooManyPhotos,
    /** "{name}" is filled in by the page. */
    photoTooLarge: (mb: number) => `"{name}": ${caseTexts.photoTooLarge(mb)}`,
    description: 'Mô tả vấn đề',
    preview: 'Xem trước',
    previewTitle: 'Kiểm tra lại trước khi gửi',
    edit: 'Sửa',
    send: 'Gửi phản ánh',
    sending: 'Đang gửi…',
    noWhere: 'Bạn vui lòng ghi địa chỉ, chọn phường/xã hoặc dùng vị trí của mình để cán bộ tìm được nơi cần xử lý.',
    noDescription: caseTexts.emptyText,
    previewWhere: 'Nơi',
    previewLocation: 'Vị trí đã chia sẻ',
    /** {n} is filled in by the page. */
    photoCount: '{n} ảnh',
    previewNoPhotos: 'Không có ảnh',
    myCases: 'Hồ sơ của tôi',
    myCasesNews: 'Hồ sơ của tôi • có cập nhật',
    myCasesTitle: 'Hồ sơ của tôi',
    backToChat: 'Quay lại hỏi đáp',
    refresh: 'Làm mới',
    loading: 'Đang tải…',
    noCases: 'Bạn chưa gửi hồ sơ nào từ trình duyệt này.',
    privateNote: 'Danh sách này chỉ hiện trên trình duyệt đã gửi hồ sơ. Trang tự cập nhật khi cán bộ trả lời.',
    updated: 'Cập nhật',
    from: { resident: 'Bạn', staff: 'Cán bộ', status: 'Trạng thái' },
    writeBack: 'Viết thêm vào hồ sơ',
    writeBackSend: 'Gửi',
    rateQuestion: 'Bạn hài lòng thế nào với cách xử lý? (1 = rất không hài lòng, 5 = rất hài lòng)',
    /** {n} is filled in by the page. */
    rated: 'Bạn đã đánh giá {n}/5.',
    loadFailed: 'Không tải được danh sách hồ sơ. Bạn thử lại sau ít phút.',
    embedded: 'Trình duyệt không cho trang nhúng này ghi nhớ hồ sơ của bạn. Mở trang hỏi đáp trong thẻ mới để gửi phản ánh.',
    openInTab: 'Mở trong thẻ mới',
    forget: 'Xóa dữ liệu hồ sơ của tôi',
    forgetConfirm:
      'Xóa nội dung, địa chỉ, vị trí, ảnh và các tin trao đổi của mọi hồ sơ gửi từ trình duyệt này? Cán bộ chỉ còn thấy số liệu thống kê không tên. Không thể hoàn tác.',
    forgetYes: 'Xóa',
  },
  /** The chat's reply when a message names a case action ("gặp cán bộ", "phản ánh", "theo dõi"). */
  actions: {
    handoff: 'Bạn muốn gửi gì tới cán bộ thành phố? Viết (hoặc sửa) nội dung bên dưới rồi bấm "Gửi cán bộ".',
    report: 'Mời bạn điền phản ánh hiện trường trong khung bên dưới.',
    follow: 'Các hồ sơ bạn đã gửi từ trình duyệt này đang được mở.',
  },
  forgotten: (cases: number) =>
    cases ? `Đã xóa dữ liệu của ${cases} hồ sơ. Trình duyệt này bắt đầu lại như mới.` : 'Trình duyệt này không có hồ sơ nào để xóa.',
} as const;

/** The page's strings with the limits filled in, as sent by GET /api/cases/setup. */
export function webCaseUiTexts(limits: { maxPhotos: number; photoMaxMb: number }) {
  const { photosHint, tooManyPhotos, photoTooLarge, ...rest } = webCaseTexts.ui;
  return {
    ...rest,
    photosHint: photosHint(limits.maxPhotos, limits.photoMaxMb),
    tooManyPhotos: tooManyPhotos(limits.maxPhotos),
    photoTooLarge: photoTooLarge(limits.photoMaxMb),
  };
}
