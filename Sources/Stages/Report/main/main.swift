import BuildProvenance
import PipelineCore
import Report

StageMain.run(ReportStage.self, codeTable: codeTable)
